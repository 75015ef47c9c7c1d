/**
 * The Kubernetes cache's private apt (`<cache>/apt`, harness/kernels/apt.ts with this cache's
 * deb-src list): index refresh, source package download verified against the Sources index,
 * and binary packages downloaded, verified against the Packages index and extracted with
 * `dpkg-deb -x` (never installed). The host's apt configuration and state are only read.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ResetlabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { INDEX_MAX_AGE_MS, PrivateApt } from '../kernels/apt.js';
import { sha256File } from '../kernels/install.js';
import { withLock } from '../kernels/lock.js';
import { findMirrors } from '../kernels/mirrors.js';
import { aptLock } from './cache.js';
import { kubernetesSourcesList, origTarball, parseSourceRecords, type PinnedPackage, type SourceRecord } from './debian.js';

/** The private apt of the cache under `root`, its index fresh (updated when older than 6 h or missing). */
export async function kubernetesApt(root: string, runner: Runner, say: (line: string) => void): Promise<PrivateApt> {
  const mirrors = findMirrors();
  const apt = new PrivateApt(join(root, 'apt'), mirrors, runner, kubernetesSourcesList(mirrors));
  await mkdir(join(root, 'locks'), { recursive: true });
  await withLock(aptLock(root), async () => {
    await apt.prepare();
    const age = await apt.indexAgeMs();
    if (age === null || age > INDEX_MAX_AGE_MS) {
      say(`kubernetes cache: updating its private package index from ${mirrors.archive}`);
      await apt.update();
    }
  });
  return apt;
}

/**
 * Downloads the source package `pkg` into `destDir` (`apt-get source --download-only`) and
 * checks every file against the sha256 of the archive's Sources index. Returns the record
 * and the orig tarball's path.
 */
export async function downloadSource(root: string, apt: PrivateApt, runner: Runner, pkg: PinnedPackage, destDir: string): Promise<{ record: SourceRecord; orig: string }> {
  const id = `${pkg.name}=${pkg.version}`;
  return withLock(aptLock(root), async () => {
    const shown = await runner.run(['apt-cache', ...apt.options(), 'showsrc', pkg.name], { timeoutMs: 60_000, check: false });
    const record = parseSourceRecords(shown.stdout).find((r) => r.name === pkg.name && r.version === pkg.version);
    if (!record) throw new ResetlabError(`failed to find the source package ${id} in the archive's Sources index (${pkg.suite}); apt-cache showsrc said: ${shown.stderr.trim() || 'nothing'}`);
    const orig = origTarball(record);
    if (!orig) throw new ResetlabError(`failed to find the orig tarball of ${id}: its Sources record lists ${record.files.map((f) => f.name).join(', ')}`);
    await rm(destDir, { recursive: true, force: true });
    await mkdir(destDir, { recursive: true });
    await runner.run(['apt-get', ...apt.options(), '-q', 'source', '--download-only', id], { timeoutMs: 1_800_000, cwd: destDir });
    for (const f of record.files) {
      const got = await sha256File(join(destDir, f.name)).catch(() => 'missing');
      if (got !== f.sha256) throw new ResetlabError(`failed to verify ${f.name} of ${id}: its sha256 is ${got}, the archive's Sources index says ${f.sha256}`);
    }
    return { record, orig: join(destDir, orig.name) };
  });
}

/**
 * Downloads each binary package, checks its sha256 against the Packages index and extracts
 * it into `tree` with `dpkg-deb -x`; the .deb files (in `dlDir`) are deleted afterwards.
 * Returns what was verified.
 */
export async function extractPackages(root: string, apt: PrivateApt, runner: Runner, pkgs: PinnedPackage[], dlDir: string, tree: string): Promise<{ name: string; version: string; sha256: string }[]> {
  await rm(dlDir, { recursive: true, force: true });
  await mkdir(dlDir, { recursive: true });
  await mkdir(tree, { recursive: true });
  const verified: { name: string; version: string; sha256: string }[] = [];
  const files = await withLock(aptLock(root), async () => {
    const out: string[] = [];
    for (const p of pkgs) {
      const rec = await apt.record(p.name, p.version);
      if (!rec) throw new ResetlabError(`failed to find ${p.name}=${p.version} in the archive's Packages index (${p.suite})`);
      const file = await apt.download(p.name, p.version, dlDir);
      const got = await sha256File(file);
      if (got !== rec.sha256) throw new ResetlabError(`failed to verify ${p.name} ${p.version}: its sha256 is ${got}, the archive's index says ${rec.sha256}`);
      verified.push({ name: p.name, version: p.version, sha256: got });
      out.push(file);
    }
    return out;
  });
  for (const file of files) await runner.run(['dpkg-deb', '-x', file, tree], { timeoutMs: 600_000 });
  await rm(dlDir, { recursive: true, force: true });
  if ((await readdir(tree)).length === 0) throw new ResetlabError(`failed to extract ${pkgs.map((p) => p.name).join(', ')}: ${tree} is empty`);
  return verified;
}
