/**
 * The cache of Debian root filesystems `node prove` boots: `$XDG_CACHE_HOME/resetlab/rootfs`
 * (default `~/.cache/resetlab/rootfs`), one folder per recipe (`<suite>-<hash>`, see
 * rootfs-spec.ts) holding `rootfs/` (the tree debootstrap built) and `rootfs.json`. A folder
 * is built as `.tmp-<key>-<run prefix>` and appears by rename once complete, so a folder
 * with a readable `rootfs.json` is a whole rootfs, and a second run never debootstraps
 * again; `locks/<key>.lock` (the kernel cache's lock) keeps two runs from building the same
 * recipe at once. The cache owns these folders (runs never delete them); the temporary folder of a
 * failed or interrupted build is removed by the run's cleanup stack.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { tail, UnsupportedError } from '../../errors.js';
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner } from '../../exec/runner.js';
import { withLock } from '../../kernels/lock.js';
import { liveOwner } from '../../lab/owner.js';
import { prefixOf } from '../../lab/prefix.js';
import { debootstrapArgv, rootfsKey, type RootfsSpec } from './rootfs-spec.js';

/** Schema tag of rootfs.json. */
export const ROOTFS_JSON_SCHEMA = 'resetlab/rootfs@1';

/** What rootfs.json records. */
export interface RootfsRecord extends RootfsSpec {
  schema: typeof ROOTFS_JSON_SCHEMA;
  mirror: string;
  builtAt: string;
  buildSeconds: number;
  sizeBytes: number;
}

/** A cached rootfs: its record and where its tree is. */
export interface CachedRootfs {
  key: string;
  /** The tree to boot (the `rootfs/` folder). */
  tree: string;
  record: RootfsRecord;
  /** True when this call built it. */
  built: boolean;
}

/** The cache root for this environment. */
export function rootfsCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.cache');
  return join(base, 'resetlab', 'rootfs');
}

/** The cached rootfs of `spec` under `root`, or null when there is none (yet). Read-only. */
export function findRootfs(root: string, spec: RootfsSpec): CachedRootfs | null {
  const key = rootfsKey(spec);
  const dir = join(root, key);
  try {
    const record = JSON.parse(readFileSync(join(dir, 'rootfs.json'), 'utf8')) as RootfsRecord;
    if (record.schema !== ROOTFS_JSON_SCHEMA || !existsSync(join(dir, 'rootfs', 'sbin', 'init'))) return null;
    return { key, tree: join(dir, 'rootfs'), record, built: false };
  } catch {
    return null;
  }
}

/** Options of `ensureRootfs`. */
export interface EnsureRootfsOptions {
  runner: Runner;
  cleanup: CleanupStack;
  /** The run prefix; names the temporary folder. */
  prefix: string;
  /** The Debian archive to debootstrap from; asked only when a build is needed. */
  mirror: () => string;
  say: (line: string) => void;
  root?: string;
  /** Never build: a missing rootfs is an error. */
  offline?: boolean;
}

/** Unmounts whatever an interrupted debootstrap left mounted under `dir` (proc, sys), deepest first. */
async function unmountUnder(runner: Runner, dir: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => m !== undefined && m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await runner.run(['umount', '-l', m], { check: false });
}

/**
 * The cached rootfs of `spec`, built with debootstrap when missing (needs root and Debian's
 * `debootstrap`; UnsupportedError, exit 2, otherwise or when debootstrap fails).
 */
export async function ensureRootfs(spec: RootfsSpec, o: EnsureRootfsOptions): Promise<CachedRootfs> {
  const root = o.root ?? rootfsCacheRoot();
  const cached = findRootfs(root, spec);
  if (cached) return cached;
  const key = rootfsKey(spec);
  if (o.offline) throw new UnsupportedError(`no cached rootfs ${join(root, key)} and --offline was given`);
  if (process.getuid?.() !== 0) throw new UnsupportedError('failed to build the Debian rootfs: debootstrap needs root (run as root once; later runs reuse the cache)');
  const found = await o.runner.run(['sh', '-c', 'command -v debootstrap || test -x /usr/sbin/debootstrap'], { check: false });
  if (found.exitCode !== 0) throw new UnsupportedError("failed to build the Debian rootfs: debootstrap is missing (install Debian's debootstrap, or run `npm run setup`)");
  const mirror = o.mirror();
  await mkdir(join(root, 'locks'), { recursive: true });
  return withLock(join(root, 'locks', `${key}.lock`), () => build(spec, o, root, key, mirror), {
    timeoutMs: 30 * 60_000,
    onWait: (pid) => o.say(`rootfs: waiting for process ${pid}, which is building ${key}`),
  });
}

/** Builds under the lock (see ensureRootfs); another process may have finished it meanwhile. */
async function build(spec: RootfsSpec, o: EnsureRootfsOptions, root: string, key: string, mirror: string): Promise<CachedRootfs> {
  const again = findRootfs(root, spec);
  if (again) return again;
  const tmp = join(root, `.tmp-${key}-${o.prefix}`);
  o.cleanup.push(`temporary rootfs ${tmp}`, async () => {
    await unmountUnder(o.runner, tmp);
    await o.runner.run(['rm', '-rf', '--one-file-system', tmp], { timeoutMs: 120_000 });
  });
  await mkdir(tmp);
  const argv = debootstrapArgv(spec, join(tmp, 'rootfs'), mirror);
  o.say(`rootfs: building ${key} with ${argv.slice(0, 3).join(' ')} ${spec.suite} (once; later runs reuse ${join(root, key)})`);
  const started = Date.now();
  const result = await o.runner.run(['env', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', ...argv], { timeoutMs: 30 * 60_000, check: false });
  if (result.exitCode !== 0) {
    throw new UnsupportedError(`failed to build the Debian rootfs (\`${argv.join(' ')}\` exit ${result.exitCode}):\n${tail(result.stdout + result.stderr, 12)}`);
  }
  const buildSeconds = (Date.now() - started) / 1000;
  const du = await o.runner.run(['du', '-sb', join(tmp, 'rootfs')], { timeoutMs: 120_000 });
  const record: RootfsRecord = { schema: ROOTFS_JSON_SCHEMA, ...spec, mirror, builtAt: new Date().toISOString(), buildSeconds, sizeBytes: Number(du.stdout.split(/\s/)[0]) };
  await writeFile(join(tmp, 'rootfs.json'), JSON.stringify(record, null, 2) + '\n');
  try {
    await rename(tmp, join(root, key));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    // Another run finished the same recipe first (a stale lock taken over): use theirs; ours is removed by the cleanup.
  }
  const done = findRootfs(root, spec);
  if (!done) throw new UnsupportedError(`failed to build the Debian rootfs: ${join(root, key)} is incomplete after the build`);
  o.say(`rootfs: built ${key} in ${buildSeconds.toFixed(0)} s (${(record.sizeBytes / 1e6).toFixed(0)} MB)`);
  return { ...done, built: true };
}

/**
 * Removes the temporary folders (`.tmp-<key>-<prefix>`) of builds whose run is gone (killed
 * mid-debootstrap), unmounting what debootstrap left mounted inside first. Builds of live
 * runs are left alone. Returns the folders removed. For `resetlab cleanup`.
 */
export async function removeStaleRootfsBuilds(runner: Runner, root = rootfsCacheRoot()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const prefix = /^\.tmp-.*-(rl-[0-9a-f]{6})$/.exec(name)?.[1];
    if (!prefix || prefixOf(`${prefix}-`) !== prefix) continue;
    const owner = liveOwner(prefix);
    if (owner !== null && owner !== process.pid) continue;
    const dir = join(root, name);
    await unmountUnder(runner, dir);
    await runner.run(['rm', '-rf', '--one-file-system', dir], { timeoutMs: 120_000 });
    removed.push(dir);
  }
  return removed;
}
