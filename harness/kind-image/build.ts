/**
 * Builds resetlab's kind node image offline into the cache (`$XDG_CACHE_HOME/resetlab/kind-images`,
 * default `~/.cache/resetlab/kind-images`), one folder per input key (spec.ts):
 * `<key>/node.tar` (a root filesystem tarball for `docker import`, see `dockerImportArgv`) and
 * `<key>/image.json` (its record: contents, sizes, sources). Nothing runs in a container and
 * no daemon starts on the host: the tree is assembled from files, the component images are
 * `docker save` archives written by image-archive.ts, and the node imports them itself at boot.
 *
 * Inputs, all cached and verified by their own caches: the Kubernetes build (harness/kubernetes,
 * with NODE_BINARIES), Debian's etcd, and the debootstrapped node rootfs (nodeRootfsSpec).
 * The entry is assembled in `.tmp-<pid>-<key>/` and renamed into place (a folder with a
 * readable image.json is whole); the lock `locks/<key>.lock` keeps two builds apart.
 */
import { cpus } from 'node:os';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile, appendFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cacheRoot } from '../cache-root.js';
import { ResetlabError } from '../errors.js';
import type { CleanupStack } from '../exec/cleanup-stack.js';
import type { Runner } from '../exec/runner.js';
import { withLock } from '../kernels/lock.js';
import { findMirrors } from '../kernels/mirrors.js';
import { buildKubernetes, NODE_BINARIES } from '../kubernetes/build.js';
import { kubernetesCacheRoot } from '../kubernetes/cache.js';
import { ensureEtcd } from '../kubernetes/etcd.js';
import { ensureRootfs } from '../node/prove/rootfs-cache.js';
import { parseLdd } from '../containers/local-image.js';
import { writeImageArchive, writeLayer, type Layer } from './image-archive.js';
import { ENABLED_UNITS, MASKED_UNITS, nodeFiles, REAL_KUBEADM } from './node-files.js';
import { componentImages, NODE_IMAGES_DIR, nodeImageKey, nodeImageName, nodeRootfsSpec, type ComponentImage } from './spec.js';

/** Schema tag of image.json. */
export const NODE_IMAGE_JSON_SCHEMA = 'resetlab/kind-node-image@1';

/** What image.json records. */
export interface NodeImageRecord {
  schema: typeof NODE_IMAGE_JSON_SCHEMA;
  key: string;
  /** The docker image name the guest gives it (`docker import ... <name>`). */
  name: string;
  k8sVersion: string;
  /** The node's own packages (debootstrap recipe key) and the binaries put in /usr/bin. */
  rootfsKey: string;
  binaries: Record<string, { sha256: string; sizeBytes: number; versionOutput: string }>;
  images: (ComponentImage & { sizeBytes: number; layers: string[] })[];
  etcd: { package: string; version: string };
  nodeTarBytes: number;
  builtAt: string;
  buildSeconds: number;
  cpus: number;
}

/** A cached node image. */
export interface CachedNodeImage extends NodeImageRecord {
  dir: string;
  tar: string;
}

/** The cache root of node images. */
export function nodeImageCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return cacheRoot('kind-images', env);
}

/**
 * The `docker import` that turns node.tar into a node image's root: kind's node contract
 * (systemd as init behind our entrypoint, `container=docker`). Docker 20.10's import takes no
 * STOPSIGNAL, so `nodeImageDockerfile` adds it in a one-line build on top (no context, no pull).
 */
export function dockerImportArgv(tar: string, name: string): string[] {
  return ['docker', 'import', '--change', 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]', '--change', 'ENV container=docker', tar, `${name}-rootfs`];
}

/** The Dockerfile (for `docker build -t <name> -` on stdin) giving the imported root systemd's stop signal. */
export function nodeImageDockerfile(name: string): string {
  return `FROM ${name}-rootfs\nSTOPSIGNAL SIGRTMIN+3\n`;
}

/** Every complete node image in the cache, newest first. */
export async function listNodeImages(root: string): Promise<CachedNodeImage[]> {
  const out: CachedNodeImage[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (name.startsWith('.') || name === 'locks') continue;
    try {
      const r = JSON.parse(await readFile(join(root, name, 'image.json'), 'utf8')) as NodeImageRecord;
      if (r.schema === NODE_IMAGE_JSON_SCHEMA) out.push({ ...r, dir: join(root, name), tar: join(root, name, 'node.tar') });
    } catch {
      // not an entry
    }
  }
  return out.sort((a, b) => b.builtAt.localeCompare(a.builtAt));
}

/** Dependencies of a build. */
export interface NodeImageDeps {
  runner: Runner;
  say: (line: string) => void;
  cleanup: CleanupStack;
  prefix: string;
  /** Never fetch or build inputs (a missing one is an error). */
  offline?: boolean;
}

/** Removed from the node tree (globs): debootstrap's downloaded packages, apt's lists, docs, man pages, translations. */
export const STRIPPED = ['var/cache/apt/archives/*.deb', 'var/lib/apt/lists/*_*', 'usr/share/doc/*', 'usr/share/man/*', 'usr/share/locale/*', 'usr/share/info/*'];

/** Bumped when the assembly itself changes (part of the cache key). */
export const NODE_IMAGE_RECIPE = 2;

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Binaries (and the links to them) the slim base layer carries, from the node rootfs: kube-proxy's tools. */
const SLIM_GLOBS = ['/usr/sbin/xtables-*-multi', '/usr/sbin/ip*tables*', '/usr/sbin/ipset', '/usr/sbin/conntrack', '/usr/bin/kmod', '/usr/sbin/modprobe', '/usr/lib/x86_64-linux-gnu/xtables/*.so', '/etc/alternatives/ip*tables*', '/etc/protocols', '/etc/services', '/etc/ethertypes', '/etc/nsswitch.conf', '/etc/passwd', '/etc/group'];

/**
 * Shell (run chrooted in the rootfs) printing each argument and every link on its way to the
 * real file, with symlinked folders resolved, one path per line.
 */
const CHAIN_SCRIPT = `for p in "$@"; do
  [ -e "$p" ] || [ -L "$p" ] || continue
  while :; do
    d=$(realpath -e "$(dirname "$p")"); q="$d/$(basename "$p")"; echo "$q"
    [ -L "$q" ] || break
    t=$(readlink "$q"); case "$t" in /*) p="$t" ;; *) p="$d/$t" ;; esac
  done
done`;

/** The slim base layer's tree in `dir`: merged-usr links, kube-proxy's tools, their libraries, and etcd's. */
async function stageSlimBase(runner: Runner, rootfs: string, dir: string, etcdLdd: string): Promise<void> {
  const inChroot = (script: string, args: string[] = []) => runner.run(['chroot', rootfs, 'sh', '-c', script, 'sh', ...args], { timeoutMs: 120_000 });
  const globbed = (await inChroot(`for g in ${SLIM_GLOBS.join(' ')}; do for f in $g; do [ -e "$f" ] || [ -L "$f" ] && echo "$f"; done; done; true`)).stdout.split('\n').filter(Boolean);
  const elves = globbed.filter((p) => !p.startsWith('/etc/'));
  const ldd = await runner.run(['chroot', rootfs, 'ldd', ...elves.filter((p) => !p.endsWith('-save') && !p.endsWith('-restore'))], { check: false, timeoutMs: 120_000 });
  const libs = [...parseLdd(ldd.stdout), ...parseLdd(etcdLdd)];
  const paths = (await inChroot(CHAIN_SCRIPT, [...globbed, ...libs])).stdout.split('\n').filter(Boolean);
  const unique = [...new Set(paths)].map((p) => p.replace(/^\//, ''));
  await mkdir(dir, { recursive: true });
  for (const [link, target] of [['bin', 'usr/bin'], ['sbin', 'usr/sbin'], ['lib', 'usr/lib'], ['lib64', 'usr/lib64']] as const) await symlink(target, join(dir, link));
  for (const d of ['tmp', 'run', 'proc', 'sys', 'dev', 'etc', 'var']) await mkdir(join(dir, d), { recursive: true });
  await chmod(join(dir, 'tmp'), 0o1777);
  await symlink('../run', join(dir, 'var', 'run'));
  await writeFile(join(dir, 'list'), unique.join('\n') + '\n');
  await runner.run(['sh', '-c', `tar -C "$1" -cf - -T "$2" | tar -C "$3" -xf -`, 'sh', rootfs, join(dir, 'list'), dir], { timeoutMs: 300_000 });
  await rm(join(dir, 'list'));
}

/**
 * The cached node image for `k8sVersion`, built when missing (see module doc). Returns it and
 * whether this call built it.
 */
export async function ensureNodeImage(k8sVersion: string, deps: NodeImageDeps, root = nodeImageCacheRoot()): Promise<CachedNodeImage & { built: boolean }> {
  const { runner, say } = deps;
  const started = Date.now();
  const kroot = kubernetesCacheRoot();
  const { entry: k8s } = await buildKubernetes(kroot, k8sVersion, { runner, say }, NODE_BINARIES);
  const { etcd } = await ensureEtcd(kroot, { runner, say, ...(deps.offline ? { offline: true } : {}) });
  if (!etcd) throw new ResetlabError(`failed to build the node image: no cached etcd in ${kroot} (run once without --offline)`);
  const rootfs = await ensureRootfs(nodeRootfsSpec(), { runner, cleanup: deps.cleanup, prefix: deps.prefix, mirror: () => findMirrors().archive, say, ...(deps.offline ? { offline: true } : {}) });
  const bin = (name: string) => {
    const b = (k8s.binaries as Record<string, { path: string; sha256: string; sizeBytes: number; versionOutput: string } | undefined>)[name];
    if (!b) throw new ResetlabError(`failed to build the node image: the Kubernetes ${k8sVersion} cache lacks ${name}`);
    return { ...b, file: join(k8s.dir, b.path) };
  };
  const pauseVersion = bin('pause').versionOutput; // "pause.c v3.4-resetlab"
  const pauseTag = /pause\.c v(\S+?)-resetlab/.exec(pauseVersion)?.[1];
  if (!pauseTag) throw new ResetlabError(`failed to read the pause tag from "${pauseVersion}"`);
  const images = componentImages(k8sVersion, etcd.version, pauseTag);
  const sandboxImage = images.find((i) => i.name === 'pause')!.tag;
  const files = nodeFiles({ k8sVersion, sandboxImage, workerImages: ['pause', 'kube-proxy'] });
  const binaryShas: Record<string, string> = { etcd: etcd.binary.sha256 };
  for (const n of [...NODE_BINARIES, 'kube-proxy', 'kube-apiserver']) binaryShas[n] = bin(n).sha256;
  const key = nodeImageKey({ recipe: NODE_IMAGE_RECIPE, stripped: STRIPPED, k8sVersion, rootfsKey: rootfs.key, binaries: binaryShas, files: Object.fromEntries(Object.entries(files).map(([p, f]) => [p, sha(`${f.mode}:${f.content}`)])), images });
  const name = nodeImageName(k8sVersion, key);
  const find = async () => (await listNodeImages(root)).find((i) => i.key === key);
  const hit = await find();
  if (hit) return { ...hit, built: false };
  if (deps.offline) throw new ResetlabError(`failed to find the node image ${key} in ${root} while offline`);
  await mkdir(join(root, 'locks'), { recursive: true });
  return withLock(join(root, 'locks', `${key}.lock`), async () => {
    const again = await find();
    if (again) return { ...again, built: false };
    const tmp = join(root, `.tmp-${process.pid}-${key}`);
    deps.cleanup.push(`temporary node image ${tmp}`, () => rm(tmp, { recursive: true, force: true }));
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    const tree = join(tmp, 'tree');
    say(`kind node image: assembling ${name} from ${rootfs.key} (${(rootfs.record.sizeBytes / 1e6).toFixed(0)} MB) and Kubernetes ${k8sVersion}`);
    await runner.run(['cp', '-a', rootfs.tree, tree], { timeoutMs: 900_000 });
    // Units: only what a node runs (kind's base image removes every other wants link).
    for (const d of ['etc/systemd/system', 'lib/systemd/system']) {
      for (const entry of await readdir(join(tree, d)).catch(() => [] as string[])) {
        if (entry.endsWith('.wants') && entry !== 'sysinit.target.wants') await rm(join(tree, d, entry), { recursive: true, force: true });
      }
    }
    for (const [path, f] of Object.entries(files)) {
      await mkdir(dirname(join(tree, path)), { recursive: true });
      await writeFile(join(tree, path), f.content, { mode: f.mode });
      await chmod(join(tree, path), f.mode);
    }
    for (const u of ENABLED_UNITS) {
      await mkdir(join(tree, 'etc/systemd/system', `${u.target}.wants`), { recursive: true });
      await symlink(u.path, join(tree, 'etc/systemd/system', `${u.target}.wants`, u.unit));
    }
    for (const u of MASKED_UNITS) await symlink('/dev/null', join(tree, 'etc/systemd/system', u)).catch(() => undefined);
    await appendFile(join(tree, 'etc/systemd/journald.conf'), '\n# resetlab: a container has no kernel log of its own\nReadKMsg=no\n');
    // kubeadm itself sits behind resetlab's wrapper (/usr/bin/kubeadm, node-files.ts).
    for (const [n, path] of [['kubelet', 'usr/bin/kubelet'], ['kubeadm', REAL_KUBEADM.slice(1)], ['kubectl', 'usr/bin/kubectl']] as const) {
      await mkdir(dirname(join(tree, path)), { recursive: true });
      await copyFile(bin(n).file, join(tree, path));
      await chmod(join(tree, path), 0o755);
    }
    await mkdir(join(tree, 'opt/cni'), { recursive: true });
    await symlink('/usr/lib/cni', join(tree, 'opt/cni/bin'));
    await mkdir(join(tree, 'etc/cni/net.d'), { recursive: true });
    await mkdir(join(tree, 'etc/kubernetes/manifests'), { recursive: true });
    await rm(join(tree, 'etc/machine-id'), { force: true });
    // What a node never reads: kind copies the image's /var into every node's volume, so the
    // downloaded .debs would be copied three times.
    for (const d of STRIPPED) await runner.run(['sh', '-c', `rm -rf ${join(tree, d)}`], { timeoutMs: 120_000 });
    // Component images: a shared slim base (kube-proxy's tools, libc for etcd), one layer per binary.
    say('kind node image: writing the component images (docker save archives)');
    const slim = join(tmp, 'slim');
    const etcdBin = join(etcd.dir, etcd.binary.path);
    await stageSlimBase(runner, rootfs.tree, slim, (await runner.run(['ldd', etcdBin], { check: false })).stdout);
    const base = await writeLayer(runner, slim, join(tmp, 'layers', 'base.tar'));
    const recorded: NodeImageRecord['images'] = [];
    for (const img of images) {
      const stage = join(tmp, 'stage', img.name);
      await mkdir(dirname(join(stage, img.path)), { recursive: true });
      await copyFile(img.binary === 'etcd' ? etcdBin : bin(img.binary).file, join(stage, img.path));
      await chmod(join(stage, img.path), 0o755);
      const own = await writeLayer(runner, stage, join(tmp, 'layers', `${img.name}.tar`));
      const layers: Layer[] = img.base === 'debian' || img.binary === 'etcd' ? [base, own] : [own];
      const out = join(tree, NODE_IMAGES_DIR.replace(/^\//, ''), `${img.name}.tar`);
      await mkdir(dirname(out), { recursive: true });
      const written = await writeImageArchive(runner, out, [img.tag], layers, img.entrypoint ? { entrypoint: img.entrypoint } : {});
      recorded.push({ ...img, sizeBytes: written.sizeBytes, layers: layers.map((l) => l.diffId) });
      say(`  ${img.tag}: ${(written.sizeBytes / 1e6).toFixed(0)} MB (${layers.length} layer${layers.length === 1 ? '' : 's'})`);
    }
    await rm(join(tmp, 'layers'), { recursive: true, force: true });
    await rm(join(tmp, 'stage'), { recursive: true, force: true });
    await rm(slim, { recursive: true, force: true });
    say('kind node image: writing node.tar');
    const entry = join(tmp, 'entry');
    await mkdir(entry);
    const nodeTar = await writeLayer(runner, tree, join(entry, 'node.tar'));
    await rm(tree, { recursive: true, force: true });
    const binaries: NodeImageRecord['binaries'] = {};
    for (const n of ['kubelet', 'kubeadm', 'kubectl', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'pause']) {
      const b = bin(n);
      binaries[n] = { sha256: b.sha256, sizeBytes: b.sizeBytes, versionOutput: b.versionOutput };
    }
    binaries.etcd = { sha256: etcd.binary.sha256, sizeBytes: etcd.binary.sizeBytes, versionOutput: etcd.binary.versionOutput };
    const record: NodeImageRecord = {
      schema: NODE_IMAGE_JSON_SCHEMA,
      key,
      name,
      k8sVersion,
      rootfsKey: rootfs.key,
      binaries,
      images: recorded,
      etcd: { package: etcd.package, version: etcd.version },
      nodeTarBytes: (await stat(nodeTar.file)).size,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - started) / 1000),
      cpus: cpus().length,
    };
    await writeFile(join(entry, 'image.json'), JSON.stringify(record, null, 2) + '\n');
    await rename(entry, join(root, key));
    await rm(tmp, { recursive: true, force: true });
    say(`kind node image: ${name} cached in ${join(root, key)} (node.tar ${(record.nodeTarBytes / 1e6).toFixed(0)} MB)`);
    return { ...record, dir: join(root, key), tar: join(root, key, 'node.tar'), built: true };
  }, { timeoutMs: 3 * 3600_000, onWait: (pid) => say(`kind node image: waiting for process ${pid}, which is building ${key}`) });
}
