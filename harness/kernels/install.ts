/**
 * Puts one Debian kernel into the cache: download its package(s) with the private apt,
 * verify each .deb against the sha256 of the archive's index, extract them with `dpkg-deb -x`,
 * build modules.dep with `depmod -b`, write kernel.json, and rename the finished tree into
 * place (the first rename wins; a loser drops its copy and uses the winner's). All work
 * happens in `<cache>/.tmp-<pid>-…`, removed on every path out; the .deb files are not kept.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, lstat, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResetlabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import type { PackageRecord } from './apt-output.js';
import type { PrivateApt } from './apt.js';
import { aptLock, KERNEL_JSON_SCHEMA, listCachedKernels, versionDir, versionLock, type CachedKernel, type KernelRecord } from './cache.js';
import { releaseOf } from './candidates.js';
import { withLock } from './lock.js';

/** What to install: the image package's record, every package to extract, and where it came from. */
export interface InstallPlan {
  image: PackageRecord;
  /** The image and, for split images, its binary/modules/base packages (records from the index). */
  parts: PackageRecord[];
  suite: string;
  series: string;
}

/** sha256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const exists = (p: string) => access(p).then(() => true, () => false);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The image: `boot/vmlinuz-REL`, or `usr/lib/modules/REL/vmlinuz` in split packages (sid, 7.x). */
async function vmlinuzOf(tree: string, release: string, image: PackageRecord): Promise<string> {
  const places = [join('boot', `vmlinuz-${release}`), join('usr', 'lib', 'modules', release, 'vmlinuz'), join('lib', 'modules', release, 'vmlinuz')];
  for (const place of places) if (await exists(join(tree, place))) return place;
  throw new ResetlabError(`failed to find the kernel image: ${image.name} ${image.version} has none of ${places.join(', ')}`);
}

/** Finds `lib/modules/REL` (or `usr/lib/modules/REL`, trixie and later) and makes `lib/modules` reach it for depmod -b. */
async function modulesDirOf(tree: string, release: string): Promise<string> {
  if (await exists(join(tree, 'lib', 'modules', release))) return join('lib', 'modules', release);
  if (!(await exists(join(tree, 'usr', 'lib', 'modules', release)))) throw new ResetlabError(`failed to find the modules of ${release}: neither lib/modules/${release} nor usr/lib/modules/${release} in the package`);
  // merged /usr: depmod -b (kmod before 33) reads <base>/lib/modules, so link it to usr/lib.
  if (!(await lstat(join(tree, 'lib')).catch(() => null))) await symlink('usr/lib', join(tree, 'lib'));
  else if (!(await exists(join(tree, 'lib', 'modules')))) await symlink('../usr/lib/modules', join(tree, 'lib', 'modules'));
  return join('usr', 'lib', 'modules', release);
}

/**
 * Installs `plan` unless its version is cached already (checked again under the version's
 * lock, so concurrent fetches of one kernel download it once). Returns the cached kernel and
 * whether this call downloaded it.
 */
export async function installKernel(
  root: string,
  apt: PrivateApt,
  plan: InstallPlan,
  deps: { runner: Runner; say: (line: string) => void },
): Promise<{ kernel: CachedKernel; downloaded: boolean }> {
  const { image } = plan;
  const findCached = async () => (await listCachedKernels(root)).find((k) => k.version === image.version && k.package === image.name);
  await mkdir(join(root, 'locks'), { recursive: true });
  return withLock(
    versionLock(root, image.name, image.version),
    async () => {
      const already = await findCached();
      if (already) return { kernel: already, downloaded: false };
      const work = await mkdtemp(join(root, `.tmp-${process.pid}-${image.version}-`));
      try {
        const kernel = await build(work, root, apt, plan, deps);
        try {
          await rename(join(work, 'tree'), versionDir(root, image.name, image.version));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          const winner = code === 'ENOTEMPTY' || code === 'EEXIST' ? await findCached() : undefined;
          if (!winner) throw new ResetlabError(`failed to move ${image.name} ${image.version} into the cache`, { cause: error });
          deps.say(`${image.version}: another process finished it first; using its copy`);
          return { kernel: winner, downloaded: true };
        }
        return { kernel: { ...kernel, dir: versionDir(root, image.name, image.version) }, downloaded: true };
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
    { onWait: (pid) => deps.say(`${image.version}: waiting for another resetlab (pid ${pid}) fetching it`) },
  );
}

async function build(work: string, root: string, apt: PrivateApt, plan: InstallPlan, deps: { runner: Runner; say: (line: string) => void }): Promise<CachedKernel> {
  const { image, parts } = plan;
  const release = releaseOf(image.name);
  const total = parts.reduce((n, p) => n + (p.size || 0), 0);
  const debs = join(work, 'debs');
  const tree = join(work, 'tree');
  await mkdir(debs);
  await mkdir(tree);
  deps.say(`${image.version}: downloading ${parts.map((p) => p.name).join(', ')} (${mb(total)}) from ${plan.suite}`);
  let t = performance.now();
  const files = await withLock(aptLock(root), async () => {
    const out: string[] = [];
    for (const p of parts) out.push(await apt.download(p.name, p.version, debs));
    return out;
  });
  const download = performance.now() - t;
  t = performance.now();
  for (const [i, p] of parts.entries()) {
    const got = await sha256File(files[i]!);
    if (got !== p.sha256) throw new ResetlabError(`failed to verify ${p.name} ${p.version}: its sha256 is ${got}, the archive's index says ${p.sha256}`);
  }
  const verify = performance.now() - t;
  t = performance.now();
  for (const file of files) await deps.runner.run(['dpkg-deb', '-x', file, tree], { timeoutMs: 600_000 });
  const extract = performance.now() - t;
  await rm(debs, { recursive: true, force: true });
  const vmlinuz = await vmlinuzOf(tree, release, image);
  const modulesDir = await modulesDirOf(tree, release);
  t = performance.now();
  await deps.runner.run(['depmod', '-b', tree, release], { timeoutMs: 300_000 });
  const depmod = performance.now() - t;
  if (!(await exists(join(tree, modulesDir, 'modules.dep')))) throw new ResetlabError(`failed to build modules.dep: depmod -b ${tree} ${release} wrote none`);
  const du = await deps.runner.run(['du', '-sb', tree], { timeoutMs: 120_000 });
  const sizeBytes = Number(du.stdout.split(/\s/)[0]) || 0;
  const record: KernelRecord = {
    schema: KERNEL_JSON_SCHEMA,
    package: image.name,
    version: image.version,
    series: plan.series,
    suite: plan.suite,
    sha256: image.sha256,
    parts: parts.map((p) => ({ name: p.name, version: p.version, sha256: p.sha256, size: p.size })),
    release,
    vmlinuz,
    modulesDir,
    sizeBytes,
    fetchedAt: new Date().toISOString(),
    debKept: false,
    timingsMs: { download: Math.round(download), verify: Math.round(verify), extract: Math.round(extract), depmod: Math.round(depmod) },
  };
  await writeFile(join(tree, 'kernel.json'), JSON.stringify(record, null, 2) + '\n');
  deps.say(
    `${image.version}: downloaded in ${secs(download)}, sha256 verified in ${secs(verify)}, extracted in ${secs(extract)}, ` +
      `depmod in ${secs(depmod)}; ${mb(sizeBytes)} on disk (the .deb is not kept)`,
  );
  return { ...record, dir: tree };
}
