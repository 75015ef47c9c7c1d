/**
 * A private apt configuration inside the kernel cache (`<cache>/apt`): its own sources.list,
 * lists and archives, so the host's apt configuration and state are only read, never
 * written. Queries and downloads go through a `Runner`. Callers serialise use of one folder
 * with the cache's apt lock (see cache-paths.ts).
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResetlabError } from '../errors.js';
import { commandLine, type Runner } from '../exec/runner.js';
import { packageRecords, parseAptMadison, parseAptSearch, parseStanzas, type MadisonRow, type PackageRecord } from './apt-output.js';
import { privateSourcesList } from './apt-sources.js';
import { isPlainImage } from './candidates.js';
import type { Mirrors } from './mirrors.js';

/** How long an index from `apt-get update` is reused before it is refreshed (6 h). */
export const INDEX_MAX_AGE_MS = 6 * 3600_000;

const imageRowsMemo = new Map<string, { stamp: number; rows: MadisonRow[] }>();

/** The private apt folder and the commands run on it. */
export class PrivateApt {
  constructor(
    /** The folder holding sources.list, lists/, cache/ and the `updated` stamp. */
    readonly dir: string,
    readonly mirrors: Pick<Mirrors, 'archive' | 'security'>,
    private readonly runner: Runner,
    /** The sources.list to write instead of the kernel cache's (the Kubernetes cache's deb-src list). */
    private readonly sourcesList?: string,
  ) {}

  /** The `-o` options pointing apt at this folder only. */
  options(): string[] {
    const o = [
      `Dir::Etc::sourcelist=${join(this.dir, 'sources.list')}`,
      'Dir::Etc::sourceparts=-',
      `Dir::State::Lists=${join(this.dir, 'lists')}`,
      `Dir::Cache=${join(this.dir, 'cache')}`,
      // Keep apt's binary package cache (~110 MB) so each query takes 0.1 s instead of
      // re-reading every index (5-10 s); hosts often turn it off (docker-clean).
      'Dir::Cache::pkgcache=pkgcache.bin',
      'Dir::Cache::srcpkgcache=',
      'Dir::State::status=/dev/null',
      'APT::Architecture=amd64',
      'APT::Architectures=amd64',
      'Acquire::Languages=none',
    ];
    // As root apt drops to `_apt` for downloads, which cannot write below a private home.
    if (process.getuid?.() === 0) o.push('APT::Sandbox::User=root');
    return o.flatMap((x) => ['-o', x]);
  }

  /** Creates the folder and writes sources.list; a changed list forgets the last update. */
  async prepare(): Promise<void> {
    await mkdir(join(this.dir, 'lists', 'partial'), { recursive: true });
    await mkdir(join(this.dir, 'cache', 'archives', 'partial'), { recursive: true });
    const file = join(this.dir, 'sources.list');
    const wanted = this.sourcesList ?? privateSourcesList(this.mirrors);
    if ((await readFile(file, 'utf8').catch(() => null)) !== wanted) {
      await rm(join(this.dir, 'updated'), { force: true });
      await writeFile(file, wanted);
    }
  }

  /** Milliseconds since the last successful `update` with the current sources, or null if none. */
  async indexAgeMs(): Promise<number | null> {
    const s = await stat(join(this.dir, 'updated')).catch(() => null);
    return s ? Date.now() - s.mtimeMs : null;
  }

  /** `apt-get update` on the private folder; throws CommandError (with the output tail) when it fails. */
  async update(): Promise<void> {
    await this.runner.run(['apt-get', ...this.options(), '-q', 'update'], { timeoutMs: 180_000 });
    await writeFile(join(this.dir, 'updated'), new Date().toISOString() + '\n');
  }

  /**
   * Every row of every plain amd64 kernel image the index knows (search, then madison).
   * Remembered per folder and index update within this process, so resolving a kernel
   * matrix queries apt once.
   */
  async imageRows(): Promise<MadisonRow[]> {
    const stamp = (await stat(join(this.dir, 'updated')).catch(() => null))?.mtimeMs ?? -1;
    const memo = imageRowsMemo.get(this.dir);
    if (memo && memo.stamp === stamp) return memo.rows;
    const rows = await this.queryImageRows();
    imageRowsMemo.set(this.dir, { stamp, rows });
    return rows;
  }

  private async queryImageRows(): Promise<MadisonRow[]> {
    const search = await this.runner.run(['apt-cache', ...this.options(), 'search', '--names-only', '^linux-image-[0-9]'], { timeoutMs: 60_000 });
    const names = [...new Set(parseAptSearch(search.stdout).map((h) => h.name).filter(isPlainImage))];
    return names.length === 0 ? [] : this.rows(names);
  }

  /** Madison rows of the named packages (unknown names give no rows). */
  async rows(names: string[]): Promise<MadisonRow[]> {
    const r = await this.runner.run(['apt-cache', ...this.options(), 'madison', ...names], { timeoutMs: 60_000, check: false });
    return parseAptMadison(r.stdout);
  }

  /** The index record (Filename, Size, SHA256) of `name=version`, or null. */
  async record(name: string, version: string): Promise<PackageRecord | null> {
    const r = await this.runner.run(['apt-cache', ...this.options(), 'show', `${name}=${version}`], { timeoutMs: 60_000, check: false });
    return packageRecords(parseStanzas(r.stdout)).find((p) => p.name === name && p.version === version) ?? null;
  }

  /** `apt-get download name=version` into `destDir`; returns the .deb's path. */
  async download(name: string, version: string, destDir: string): Promise<string> {
    const argv = ['apt-get', ...this.options(), '-q', 'download', `${name}=${version}`];
    await this.runner.run(argv, { timeoutMs: 900_000, cwd: destDir });
    // apt writes `name_version_arch.deb` (arch amd64 or all; an epoch's colon as %3a).
    const file = (await readdir(destDir)).find((f) => f.startsWith(`${name}_${version.replace(/:/g, '%3a')}_`) && f.endsWith('.deb'));
    if (!file) throw new ResetlabError(`failed to find the .deb that \`${commandLine(argv)}\` downloaded into ${destDir}`);
    return join(destDir, file);
  }
}
