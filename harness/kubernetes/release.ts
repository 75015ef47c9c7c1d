/**
 * Official Kubernetes release binaries: `<base>/<version>/bin/linux/amd64/<binary>` with its
 * published `<binary>.sha256` (the dl.k8s.io layout; `RESETLAB_KUBERNETES_RELEASE_URL`
 * overrides the base, e.g. a mirror or a local server). Each binary is checked against its
 * published sha256 and its `--version`, assembled in `.tmp-<pid>-*` and renamed to
 * `<cache>/<version>/`. Where the network does not reach the base, it fails and says so.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ResetlabError } from '../errors.js';
import { withLock } from '../kernels/lock.js';
import { BUILT_BINARIES, describeBinary, type BuildDeps } from './build.js';
import { entryLock, KUBERNETES_JSON_SCHEMA, listCachedKubernetes, versionDir, type CachedKubernetes, type KubernetesRecord } from './cache.js';

/** Env variable overriding the release base URL. */
export const RELEASE_URL_ENV = 'RESETLAB_KUBERNETES_RELEASE_URL';
/** The official base. */
export const DEFAULT_RELEASE_URL = 'https://dl.k8s.io/release';

async function get(url: string): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(600_000) });
  } catch (error) {
    throw new ResetlabError(`failed to download ${url}: ${(error as Error).message} (no network to it? pass a server/bin folder instead)`, { cause: error });
  }
  if (!res.ok) throw new ResetlabError(`failed to download ${url}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** Downloads `version` unless cached; returns the entry and whether it was downloaded. */
export async function downloadRelease(root: string, version: string, deps: BuildDeps & { baseUrl?: string }): Promise<{ entry: CachedKubernetes; built: boolean }> {
  const base = (deps.baseUrl ?? process.env[RELEASE_URL_ENV] ?? DEFAULT_RELEASE_URL).replace(/\/+$/, '');
  await mkdir(join(root, 'locks'), { recursive: true });
  return withLock(entryLock(root, version), async () => {
    const hit = (await listCachedKubernetes(root)).find((k) => k.version === version);
    if (hit) return { entry: hit, built: false };
    const tmp = await mkdtemp(join(root, `.tmp-${process.pid}-${version}-`));
    try {
      await mkdir(join(tmp, 'bin'));
      const files: { name: string; sha256: string; size: number }[] = [];
      const binaries = {} as KubernetesRecord['binaries'];
      const t = performance.now();
      for (const bin of BUILT_BINARIES) {
        const url = `${base}/${version}/bin/linux/amd64/${bin}`;
        deps.say(`kubernetes ${version}: downloading ${url}`);
        const published = (await get(`${url}.sha256`)).toString('utf8').trim().split(/\s+/)[0] ?? '';
        if (!/^[0-9a-f]{64}$/.test(published)) throw new ResetlabError(`failed to read the published sha256 of ${bin} ${version}: ${url}.sha256 holds "${published.slice(0, 80)}"`);
        const body = await get(url);
        const got = createHash('sha256').update(body).digest('hex');
        if (got !== published) throw new ResetlabError(`failed to verify ${bin} ${version}: its sha256 is ${got}, ${url}.sha256 says ${published}`);
        await writeFile(join(tmp, 'bin', bin), body);
        await chmod(join(tmp, 'bin', bin), 0o755);
        binaries[bin] = await describeBinary(deps.runner, tmp, join('bin', bin));
        if (!binaries[bin].versionOutput.includes(version)) throw new ResetlabError(`failed to use ${bin} ${version}: \`${bin} --version\` printed "${binaries[bin].versionOutput}"`);
        files.push({ name: url, sha256: got, size: body.length });
      }
      const record: KubernetesRecord = {
        schema: KUBERNETES_JSON_SCHEMA,
        version,
        source: { kind: 'release', url: base, files },
        go: { version: 'upstream release', packages: [] },
        binaries,
        builtAt: new Date().toISOString(),
        timings: { download: { ms: Math.round(performance.now() - t), loadBefore: NaN, loadAfter: NaN } },
        cpus: cpus().length,
      };
      await writeFile(join(tmp, 'kubernetes.json'), JSON.stringify(record, null, 2) + '\n');
      await rename(tmp, versionDir(root, version));
      return { entry: { ...record, dir: versionDir(root, version) }, built: true };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
}
