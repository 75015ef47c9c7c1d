/**
 * etcd for the real control plane: bookworm's etcd-server extracted (`dpkg-deb -x`, never
 * installed) into `<cache>/etcd-<version>/bin/etcd`, verified against the Packages index,
 * assembled in `.tmp-<pid>-*` and renamed into place.
 */
import { copyFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withLock } from '../kernels/lock.js';
import { extractPackages, kubernetesApt } from './apt.js';
import { ETCD_JSON_SCHEMA, etcdDir, entryLock, listCachedEtcd, type CachedEtcd, type EtcdRecord } from './cache.js';
import { ETCD_PACKAGE } from './debian.js';
import { describeBinary, type BuildDeps } from './build.js';

/** The cached etcd, fetched first when missing (`offline`: never fetched; null when missing). */
export async function ensureEtcd(root: string, deps: BuildDeps & { offline?: boolean }): Promise<{ etcd: CachedEtcd | null; fetched: boolean }> {
  const find = async () => (await listCachedEtcd(root)).find((e) => e.version === ETCD_PACKAGE.version) ?? null;
  const hit = await find();
  if (hit || deps.offline) return { etcd: hit, fetched: false };
  await mkdir(join(root, 'locks'), { recursive: true });
  const name = `etcd-${ETCD_PACKAGE.version}`;
  return withLock(entryLock(root, name), async () => {
    const again = await find();
    if (again) return { etcd: again, fetched: false };
    const apt = await kubernetesApt(root, deps.runner, deps.say);
    const tmp = await mkdtemp(join(root, `.tmp-${process.pid}-${name}-`));
    try {
      const [verified] = await extractPackages(root, apt, deps.runner, [ETCD_PACKAGE], join(tmp, 'dl'), join(tmp, 'tree'));
      await mkdir(join(tmp, 'entry', 'bin'), { recursive: true });
      await copyFile(join(tmp, 'tree', 'usr', 'bin', 'etcd'), join(tmp, 'entry', 'bin', 'etcd'));
      const record: EtcdRecord = {
        schema: ETCD_JSON_SCHEMA,
        package: ETCD_PACKAGE.name,
        version: ETCD_PACKAGE.version,
        suite: ETCD_PACKAGE.suite,
        sha256: verified!.sha256,
        binary: await describeBinary(deps.runner, join(tmp, 'entry'), join('bin', 'etcd')),
        fetchedAt: new Date().toISOString(),
      };
      await writeFile(join(tmp, 'entry', 'etcd.json'), JSON.stringify(record, null, 2) + '\n');
      await rename(join(tmp, 'entry'), etcdDir(root, ETCD_PACKAGE.version));
      deps.say(`etcd ${ETCD_PACKAGE.version}: cached in ${etcdDir(root, ETCD_PACKAGE.version)}`);
      return { etcd: { ...record, dir: etcdDir(root, ETCD_PACKAGE.version) }, fetched: true };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
}
