/**
 * Turns a `--kube-proxy` spec into the binaries a real data plane runs: kube-proxy and
 * kube-apiserver (cached build or the user's folder) plus the cached etcd. A cached build is
 * used as it is (no network); a missing one is built (slow: see build.ts) unless `offline`.
 * The files belong to the cache or the user; runs never delete them.
 */
import { access, constants } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { ResetlabError, UnsupportedError } from '../errors.js';
import { buildKubernetes, describeBinary, type BuildDeps } from './build.js';
import { listCachedKubernetes, type BinaryRecord, type CachedKubernetes } from './cache.js';
import { ensureEtcd } from './etcd.js';
import { downloadRelease } from './release.js';
import type { KubeProxySpec } from './spec.js';

/** The binaries of one real data plane, and where they came from (recorded in results). */
export interface KubernetesBinaries {
  /** kube-proxy's version as it prints it (`Kubernetes v1.20.2` -> `v1.20.2`). */
  version: string;
  kubeProxy: string;
  kubeApiserver: string;
  etcd: string;
  source:
    | { kind: 'debian-source'; package: string; version: string; suite: string; sha256: string; cacheDir: string; built: boolean }
    | { kind: 'release'; url: string; cacheDir: string; built: boolean }
    | { kind: 'dir'; dir: string };
  kubeProxyBinary: BinaryRecord;
  etcdVersion: string;
}

const exists = (p: string) => access(p, constants.X_OK).then(() => true, () => false);

/** Resolves `spec` (see the module comment). */
export async function resolveKubernetes(root: string, spec: KubeProxySpec, deps: BuildDeps & { offline?: boolean }): Promise<KubernetesBinaries> {
  const { etcd } = await ensureEtcd(root, deps);
  if (!etcd) throw new UnsupportedError(`failed to find etcd in ${root} while offline: run \`resetlab kube-proxy fetch v1.20.2\` once with the network`);
  const etcdBin = join(etcd.dir, etcd.binary.path);
  if (spec.kind === 'dir') {
    const dir = resolvePath(spec.dir);
    const missing = [];
    for (const b of ['kube-proxy', 'kube-apiserver']) if (!(await exists(join(dir, b)))) missing.push(b);
    if (missing.length > 0) throw new UnsupportedError(`failed to use ${dir} as Kubernetes binaries: no executable ${missing.join(', ')} there (give the server/bin folder of kubernetes-server-linux-amd64.tar.gz)`);
    const kp = await describeBinary(deps.runner, dir, 'kube-proxy');
    const version = /\bv\d+\.\d+\.\d+\S*/.exec(kp.versionOutput)?.[0];
    if (!version) throw new ResetlabError(`failed to read kube-proxy's version: \`${join(dir, 'kube-proxy')} --version\` printed "${kp.versionOutput}"`);
    return { version, kubeProxy: join(dir, 'kube-proxy'), kubeApiserver: join(dir, 'kube-apiserver'), etcd: etcdBin, source: { kind: 'dir', dir }, kubeProxyBinary: { ...kp, path: join(dir, 'kube-proxy') }, etcdVersion: etcd.version };
  }
  let entry = (await listCachedKubernetes(root)).find((k) => k.version === spec.version);
  let built = false;
  if (!entry) {
    if (deps.offline) throw new UnsupportedError(`failed to find Kubernetes ${spec.version} in ${root} while offline: run \`resetlab kube-proxy fetch ${spec.version}\` once with the network`);
    ({ entry, built } = spec.kind === 'release' ? await downloadRelease(root, spec.version, deps) : await buildKubernetes(root, spec.version, deps));
  }
  const orig = entry.source.files.find((f) => /\.orig\.tar/.test(f.name));
  const src = entry.source;
  return {
    version: entry.version,
    kubeProxy: join(entry.dir, entry.binaries['kube-proxy'].path),
    kubeApiserver: join(entry.dir, entry.binaries['kube-apiserver'].path),
    etcd: etcdBin,
    source: src.kind === 'release'
      ? { kind: 'release', url: src.url, cacheDir: entry.dir, built }
      : { kind: 'debian-source', package: src.package, version: src.version, suite: src.suite, sha256: orig?.sha256 ?? '', cacheDir: entry.dir, built },
    kubeProxyBinary: entry.binaries['kube-proxy'],
    etcdVersion: etcd.version,
  };
}

/** Where binaries came from, as a phrase for reasons and listings (pure). */
export function describeSource(s: KubernetesBinaries['source'] | CachedKubernetes['source']): string {
  if (s.kind === 'dir') return `binaries from ${s.dir}`;
  if (s.kind === 'release') return `official release binaries from ${s.url}`;
  return `built from Debian's ${s.package} ${s.version} source (${s.suite})`;
}
