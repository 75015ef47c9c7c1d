/**
 * The `kind` binary for guests: Debian sid's `kind` package (KIND_PACKAGE) extracted
 * (`dpkg-deb -x`, never installed) into `<kubernetes cache>/kind-<version>/bin/kind`,
 * verified against the Packages index, assembled in `.tmp-<pid>-*` and renamed into place
 * (the same shape as etcd.ts). The host never runs it: only guests, which see the host's
 * files through their read-only 9p root.
 */
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withLock } from '../kernels/lock.js';
import { extractPackages, kubernetesApt } from '../kubernetes/apt.js';
import { entryLock, type BinaryRecord } from '../kubernetes/cache.js';
import { KIND_PACKAGE } from '../kubernetes/debian.js';
import { sha256File } from '../kernels/install.js';
import { stat } from 'node:fs/promises';
import type { BuildDeps } from '../kubernetes/build.js';

/** Schema tag of kind.json. */
export const KIND_JSON_SCHEMA = 'resetlab/kind-binary@1';

/** What kind.json records. */
export interface KindRecord {
  schema: typeof KIND_JSON_SCHEMA;
  package: string;
  version: string;
  suite: string;
  /** sha256 of the .deb, checked against the Packages index. */
  sha256: string;
  binary: Omit<BinaryRecord, 'versionOutput'>;
  fetchedAt: string;
}

/** The cached kind binary and its record. */
export interface CachedKind extends KindRecord {
  dir: string;
  path: string;
}

/** The folder of the cached kind. */
export const kindDir = (root: string) => join(root, `kind-${KIND_PACKAGE.version}`);

async function find(root: string): Promise<CachedKind | null> {
  try {
    const r = JSON.parse(await readFile(join(kindDir(root), 'kind.json'), 'utf8')) as KindRecord;
    if (r.schema !== KIND_JSON_SCHEMA || r.version !== KIND_PACKAGE.version) return null;
    return { ...r, dir: kindDir(root), path: join(kindDir(root), r.binary.path) };
  } catch {
    return null;
  }
}

/**
 * The cached kind, fetched when missing (`offline`: never fetched; null when missing). Its
 * version is not asked of the binary here: the host does not run it (the guest records
 * `kind version`).
 */
export async function ensureKind(root: string, deps: BuildDeps & { offline?: boolean }): Promise<{ kind: CachedKind | null; fetched: boolean }> {
  const hit = await find(root);
  if (hit || deps.offline) return { kind: hit, fetched: false };
  await mkdir(join(root, 'locks'), { recursive: true });
  const name = `kind-${KIND_PACKAGE.version}`;
  return withLock(entryLock(root, name), async () => {
    const again = await find(root);
    if (again) return { kind: again, fetched: false };
    const apt = await kubernetesApt(root, deps.runner, deps.say);
    const tmp = await mkdtemp(join(root, `.tmp-${process.pid}-${name}-`));
    try {
      const [verified] = await extractPackages(root, apt, deps.runner, [KIND_PACKAGE], join(tmp, 'dl'), join(tmp, 'tree'));
      await mkdir(join(tmp, 'entry', 'bin'), { recursive: true });
      const bin = join(tmp, 'entry', 'bin', 'kind');
      await copyFile(join(tmp, 'tree', 'usr', 'bin', 'kind'), bin);
      const record: KindRecord = {
        schema: KIND_JSON_SCHEMA,
        package: KIND_PACKAGE.name,
        version: KIND_PACKAGE.version,
        suite: KIND_PACKAGE.suite,
        sha256: verified!.sha256,
        binary: { path: join('bin', 'kind'), sizeBytes: (await stat(bin)).size, sha256: await sha256File(bin) },
        fetchedAt: new Date().toISOString(),
      };
      await writeFile(join(tmp, 'entry', 'kind.json'), JSON.stringify(record, null, 2) + '\n');
      await rename(join(tmp, 'entry'), kindDir(root));
      deps.say(`kind ${KIND_PACKAGE.version}: cached in ${kindDir(root)}`);
      return { kind: { ...record, dir: kindDir(root), path: join(kindDir(root), record.binary.path) }, fetched: true };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
}
