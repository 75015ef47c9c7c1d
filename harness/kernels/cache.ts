/**
 * The kernel cache on disk: `$XDG_CACHE_HOME/resetlab/kernels` (default
 * `~/.cache/resetlab/kernels`), one folder per Debian package version holding the extracted
 * package (`boot/vmlinuz-REL`, `lib/modules/REL` with modules.dep) and `kernel.json`. A
 * folder appears by rename once complete, so any folder with a readable `kernel.json` is a
 * whole kernel. `apt/` holds the private apt state, `locks/` the lock files, `.tmp-*` work in
 * progress. The cache owns these files; runs never delete them, `prune` does.
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KernelArtefact, KernelCacheUse, KernelSpec } from './artefact.js';
import { isPlainImage, newestFirst } from './candidates.js';
import { compareDebianVersions } from './debian-version.js';
import { withLock } from './lock.js';
import { cacheRoot } from '../cache-root.js';

/** Schema tag of kernel.json. */
export const KERNEL_JSON_SCHEMA = 'resetlab/kernel@1';

/** What kernel.json records about one cached kernel (paths relative to its folder). */
export interface KernelRecord {
  schema: typeof KERNEL_JSON_SCHEMA;
  /** The image package, e.g. linux-image-6.1.0-56-amd64. */
  package: string;
  version: string;
  series: string;
  suite: string;
  /** sha256 of the image package's .deb, from the archive's index, verified on download. */
  sha256: string;
  /** Every .deb extracted (the image, plus binary/modules packages of a split image). */
  parts: { name: string; version: string; sha256: string; size: number }[];
  release: string;
  vmlinuz: string;
  modulesDir: string;
  /** Bytes of the extracted tree. */
  sizeBytes: number;
  fetchedAt: string;
  /** Always false: the .deb files are deleted once extracted (their sha256 stays here). */
  debKept: boolean;
  timingsMs: { download: number; verify: number; extract: number; depmod: number };
}

/** A cached kernel: its record and its folder. */
export interface CachedKernel extends KernelRecord {
  dir: string;
}

/** The cache root for this environment: `$XDG_CACHE_HOME/resetlab/kernels` (a relative XDG_CACHE_HOME is ignored, as the XDG spec says), else `~/.cache/resetlab/kernels`. */
export function kernelCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return cacheRoot('kernels', env);
}

/**
 * The folder name of a kernel: its package version for the plain images (`6.1.192-2`); other
 * flavours asked for by name (unsigned, cloud, rt) share that version, so they get
 * `<version>_<package>`.
 */
export function entryName(pkg: string, version: string): string {
  return isPlainImage(pkg) ? version : `${version}_${pkg}`;
}

/** The folder of one kernel inside the cache. */
export function versionDir(root: string, pkg: string, version: string): string {
  return join(root, entryName(pkg, version));
}

/** The lock file guarding one kernel (install, prune). */
export function versionLock(root: string, pkg: string, version: string): string {
  return join(root, 'locks', `${entryName(pkg, version)}.lock`);
}

/** The lock file guarding the private apt folder (update, queries, downloads). */
export function aptLock(root: string): string {
  return join(root, 'locks', 'apt.lock');
}

function isRecord(x: unknown): x is KernelRecord {
  const r = x as KernelRecord;
  return typeof r === 'object' && r !== null && r.schema === KERNEL_JSON_SCHEMA &&
    ['package', 'version', 'series', 'suite', 'sha256', 'release', 'vmlinuz', 'modulesDir'].every((k) => typeof (r as unknown as Record<string, unknown>)[k] === 'string');
}

/** Every complete kernel in the cache, newest version first (missing root: none). */
export async function listCachedKernels(root: string): Promise<CachedKernel[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const out: CachedKernel[] = [];
  for (const name of names) {
    if (name.startsWith('.') || name === 'apt' || name === 'locks') continue;
    const dir = join(root, name);
    const json = await readFile(join(dir, 'kernel.json'), 'utf8').catch(() => null);
    if (json === null) continue;
    try {
      const record: unknown = JSON.parse(json);
      if (isRecord(record)) out.push({ ...record, dir });
    } catch {
      // not ours / damaged: ignored (prune --all removes it)
    }
  }
  return newestFirst(out);
}

/**
 * The cached kernel a Debian spec means, or null: series -> newest cached plain image in the
 * series; package version -> the plain image of that version; package name -> newest cached
 * version of that package.
 */
export function pickCached(spec: Exclude<KernelSpec, { kind: 'path' }>, cached: CachedKernel[]): CachedKernel | null {
  const match = cached.filter((k) =>
    spec.kind === 'package' && spec.version.startsWith('linux-image-')
      ? k.package === spec.version
      : isPlainImage(k.package) && (spec.kind === 'series' ? k.series === spec.series : k.version === spec.version),
  );
  return newestFirst(match)[0] ?? null;
}

/** The artefact the vm driver boots, from a cached kernel. */
export function artefactOf(k: CachedKernel, use: Omit<KernelCacheUse, 'dir'>): KernelArtefact {
  return {
    release: k.release,
    vmlinuz: join(k.dir, k.vmlinuz),
    modulesDir: join(k.dir, k.modulesDir),
    source: { kind: 'debian', package: k.package, version: k.version, suite: k.suite, sha256: k.sha256 },
    cache: { dir: k.dir, ...use },
  };
}

/** What `pruneKernels` did. */
export interface PruneResult {
  removed: CachedKernel[];
  kept: CachedKernel[];
  freedBytes: number;
  /** Leftover work folders (`.tmp-*`) of processes that are gone. */
  leftovers: string[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes every cached kernel that is not the newest of its series (per flavour; all of them with
 * `all`, and then the private apt folder too), plus `.tmp-*` folders of dead processes.
 * Each removal holds the version's lock and renames the folder away before deleting it,
 * so a concurrent resolve never sees half a kernel.
 */
export async function pruneKernels(root: string, options: { all?: boolean } = {}): Promise<PruneResult> {
  if (!(await readdir(root).catch(() => null))) return { removed: [], kept: [], freedBytes: 0, leftovers: [] };
  await mkdir(join(root, 'locks'), { recursive: true });
  const cached = await listCachedKernels(root);
  // Per series and flavour (plain amd64, cloud, rt, unsigned asked for by name).
  const group = (k: CachedKernel) => `${k.series} ${/-((?:cloud-|rt-)?amd64(?:-unsigned)?)$/.exec(k.package)?.[1] ?? k.package}`;
  const newest = new Map<string, CachedKernel>();
  for (const k of cached) {
    const best = newest.get(group(k));
    if (!best || compareDebianVersions(k.version, best.version) > 0) newest.set(group(k), k);
  }
  const result: PruneResult = { removed: [], kept: [], freedBytes: 0, leftovers: [] };
  for (const k of cached) {
    if (!options.all && newest.get(group(k)) === k) {
      result.kept.push(k);
      continue;
    }
    await withLock(versionLock(root, k.package, k.version), async () => {
      const trash = join(root, `.tmp-prune-${process.pid}-${entryName(k.package, k.version)}`);
      await rename(k.dir, trash);
      await rm(trash, { recursive: true, force: true });
    });
    result.removed.push(k);
    result.freedBytes += k.sizeBytes ?? 0;
  }
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const pid = Number(/^\.tmp-(?:prune-)?(\d+)-/.exec(name)?.[1]);
    if (name.startsWith('.tmp-') && (!pid || !alive(pid))) {
      await rm(join(root, name), { recursive: true, force: true });
      result.leftovers.push(name);
    }
  }
  if (options.all) await withLock(aptLock(root), () => rm(join(root, 'apt'), { recursive: true, force: true }));
  return result;
}
