/**
 * The Kubernetes build cache on disk: `$XDG_CACHE_HOME/resetlab/kubernetes` (default
 * `~/.cache/resetlab/kubernetes`), shaped like the kernel cache (harness/kernels/cache.ts).
 *
 * - `<version>/` (e.g. `v1.20.2/`): `bin/kube-proxy`, `bin/kube-apiserver` and `kubernetes.json`;
 * - `etcd-<debian version>/`: `bin/etcd` and `etcd.json`;
 * - `.build-<version>/`: a build under way or interrupted; its finished steps are kept so the
 *   next fetch resumes there (it is never used as binaries);
 * - `.tmp-<pid>-*`: a folder being assembled; `apt/` the private apt state; `locks/` lock files.
 *
 * An entry appears by rename once complete, so a folder with a readable record is whole.
 * Runs never delete anything here; `resetlab kube-proxy prune` does.
 */
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withLock } from '../kernels/lock.js';
import { cacheRoot } from '../cache-root.js';

/** Schema tag of kubernetes.json. */
export const KUBERNETES_JSON_SCHEMA = 'resetlab/kubernetes@1';
/** Schema tag of etcd.json. */
export const ETCD_JSON_SCHEMA = 'resetlab/etcd@1';

/** One built or extracted binary (path relative to its entry). */
export interface BinaryRecord {
  path: string;
  sizeBytes: number;
  sha256: string;
  /** What `--version` printed, first line. */
  versionOutput: string;
}

/** One timed build step, with the machine's load around it (`/proc/loadavg`, 1 min). */
export interface StepTiming {
  ms: number;
  loadBefore: number;
  loadAfter: number;
  /** True when this step was done by an earlier, interrupted fetch and reused. */
  resumed?: boolean;
}

/** What kubernetes.json records about one cached Kubernetes version. */
export interface KubernetesRecord {
  schema: typeof KUBERNETES_JSON_SCHEMA;
  /** The upstream tag, e.g. v1.20.2. */
  version: string;
  source:
    | {
        kind: 'debian-source';
        package: string;
        version: string;
        suite: string;
        /** Every file of the source package, sha256 from the archive's Sources index, verified. */
        files: { name: string; sha256: string; size: number }[];
        /** The Debian patches (kubectl only) are not applied: the binaries are upstream's tree. */
        debianPatchesApplied: false;
      }
    | {
        /** Official release binaries, each checked against its published `.sha256`. */
        kind: 'release';
        url: string;
        files: { name: string; sha256: string; size: number }[];
      };
  go: { version: string; packages: { name: string; version: string; sha256: string }[] };
  /** kube-proxy and kube-apiserver always; the node image's binaries (build.ts NODE_BINARIES) once asked for. */
  binaries: { 'kube-proxy': BinaryRecord; 'kube-apiserver': BinaryRecord } & Partial<Record<'kubelet' | 'kubeadm' | 'kubectl' | 'kube-controller-manager' | 'kube-scheduler' | 'pause', BinaryRecord>>;
  /** The Go linker flags the binaries were stamped with (build.ts versionLdflags); absent before 2026-12-03, which marks the entry stale. */
  ldflags?: string;
  builtAt: string;
  /** Build steps (source, go, rsync, generated, kube-proxy, kube-apiserver). */
  timings: Record<string, StepTiming>;
  cpus: number;
}

/** What etcd.json records. */
export interface EtcdRecord {
  schema: typeof ETCD_JSON_SCHEMA;
  package: string;
  version: string;
  suite: string;
  sha256: string;
  binary: BinaryRecord;
  fetchedAt: string;
}

/** A cached Kubernetes build and its folder. */
export interface CachedKubernetes extends KubernetesRecord {
  dir: string;
}

/** A cached etcd and its folder. */
export interface CachedEtcd extends EtcdRecord {
  dir: string;
}

/** The cache root: `$XDG_CACHE_HOME/resetlab/kubernetes` (a relative XDG_CACHE_HOME is ignored), else `~/.cache/resetlab/kubernetes`. */
export function kubernetesCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return cacheRoot('kubernetes', env);
}

/** The folder of a built version. */
export const versionDir = (root: string, version: string) => join(root, version);
/** The resumable build folder of a version. */
export const buildDir = (root: string, version: string) => join(root, `.build-${version}`);
/** The folder of a cached etcd. */
export const etcdDir = (root: string, debianVersion: string) => join(root, `etcd-${debianVersion}`);
/** The lock of one entry (build, fetch, prune). */
export const entryLock = (root: string, name: string) => join(root, 'locks', `${name}.lock`);
/** The lock of the private apt folder. */
export const aptLock = (root: string) => join(root, 'locks', 'apt.lock');

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** Every complete Kubernetes build in the cache (missing root: none). */
export async function listCachedKubernetes(root: string): Promise<CachedKubernetes[]> {
  const out: CachedKubernetes[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!/^v\d+\.\d+\.\d+/.test(name)) continue;
    const r = (await readJson(join(root, name, 'kubernetes.json'))) as KubernetesRecord | null;
    if (r?.schema === KUBERNETES_JSON_SCHEMA && typeof r.version === 'string') out.push({ ...r, dir: join(root, name) });
  }
  return out.sort((a, b) => b.version.localeCompare(a.version, 'en', { numeric: true }));
}

/** Every cached etcd. */
export async function listCachedEtcd(root: string): Promise<CachedEtcd[]> {
  const out: CachedEtcd[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!name.startsWith('etcd-')) continue;
    const r = (await readJson(join(root, name, 'etcd.json'))) as EtcdRecord | null;
    if (r?.schema === ETCD_JSON_SCHEMA) out.push({ ...r, dir: join(root, name) });
  }
  return out;
}

/** Builds under way or interrupted (`.build-<version>`), with their finished steps. */
export async function listPartialBuilds(root: string): Promise<{ version: string; dir: string; steps: string[] }[]> {
  const out: { version: string; dir: string; steps: string[] }[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const m = /^\.build-(.+)$/.exec(name);
    if (!m) continue;
    const steps = (await readdir(join(root, name, 'steps')).catch(() => [] as string[])).map((s) => s.replace(/\.json$/, ''));
    out.push({ version: m[1]!, dir: join(root, name), steps });
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What `pruneKubernetes` removed. */
export interface KubernetesPruneResult {
  removed: string[];
}

/**
 * Removes partial builds and dead `.tmp-*` folders; with `all`, every entry and the private
 * apt folder too. Each removal holds the entry's lock and renames the folder away first.
 */
export async function pruneKubernetes(root: string, options: { all?: boolean } = {}): Promise<KubernetesPruneResult> {
  const removed: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const pid = Number(/^\.tmp-(\d+)-/.exec(name)?.[1]);
    if (name.startsWith('.tmp-') && (!pid || !alive(pid))) {
      await rm(join(root, name), { recursive: true, force: true });
      removed.push(name);
      continue;
    }
    const entry = /^\.build-(.+)$/.exec(name)?.[1] ?? (options.all && (/^v\d/.test(name) || name.startsWith('etcd-')) ? name : null);
    if (!entry) continue;
    await withLock(entryLock(root, entry), async () => {
      const trash = join(root, `.tmp-${process.pid}-prune-${name.replace(/^\./, '')}`);
      await rename(join(root, name), trash);
      await rm(trash, { recursive: true, force: true });
    }, { timeoutMs: 5_000 });
    removed.push(name);
  }
  if (options.all) await withLock(aptLock(root), () => rm(join(root, 'apt'), { recursive: true, force: true }));
  return { removed };
}
