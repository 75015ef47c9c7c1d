/**
 * `resetlab kind node-image build|list`: resetlab's offline kind node image (harness/kind-image),
 * built from the Kubernetes build of Debian's source and Debian's packages, with no registry.
 * `build` prints where node.tar is and how to load it (`docker import`, then the one-line
 * build that adds systemd's stop signal); `list` shows the cache with each image's contents.
 */
import type { Command } from 'commander';
import { CleanupStack } from '../../exec/cleanup-stack.js';
import { dockerImportArgv, ensureNodeImage, listNodeImages, nodeImageCacheRoot, nodeImageDockerfile, type CachedNodeImage } from '../../kind-image/build.js';
import { OFFLINE_K8S_VERSION } from '../../kind-image/spec.js';
import { newPrefix } from '../../lab/prefix.js';
import type { CliContext } from '../context.js';

const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;

/** The human listing of one image (pure). */
export function describeNodeImage(i: CachedNodeImage): string {
  const lines = [`${i.name}  ${mb(i.nodeTarBytes)}  Kubernetes ${i.k8sVersion}  built ${i.builtAt.slice(0, 16).replace('T', ' ')} in ${i.buildSeconds} s`, `  ${i.tar}`];
  lines.push(`  node: Debian ${i.rootfsKey} (systemd, containerd, runc, CNI plugins, iptables, ipset, conntrack) + kubelet, kubeadm, kubectl`);
  for (const img of i.images) lines.push(`  ${img.tag}  ${mb(img.sizeBytes)}  (${img.binary}${img.base === 'debian' || img.binary === 'etcd' ? ' on a slim Debian layer' : ''})`);
  return lines.join('\n');
}

/** Registers `kind node-image build|list`. */
export function registerKindCommands(program: Command, getCtx: () => CliContext): void {
  const kind = program.command('kind').description("resetlab's offline kind node image (for --driver kind --kernel K, or any Docker without a registry)");
  const ni = kind.command('node-image').description(`the node image: Kubernetes ${OFFLINE_K8S_VERSION} from Debian's source, no pulls`);
  ni.command('build')
    .description('build the node image into the cache (cached inputs are reused; a cached image is not built again)')
    .option('--offline', 'use only cached inputs (Kubernetes build, etcd, Debian rootfs)')
    .option('--json', 'print the image record (resetlab/kind-node-image@1)')
    .action(async (flags: { offline?: boolean; json?: boolean }) => {
      const ctx = getCtx();
      const cleanup = new CleanupStack();
      try {
        const image = await ensureNodeImage(OFFLINE_K8S_VERSION, { runner: ctx.runner, say: ctx.say, cleanup, prefix: newPrefix(), ...(flags.offline ? { offline: true } : {}) });
        if (flags.json) process.stdout.write(JSON.stringify(image, null, 2) + '\n');
        else {
          process.stdout.write(`${describeNodeImage(image)}\n\nLoad it into a Docker engine (never needed on this host: --driver kind --kernel 6.1 does it in a guest):\n`);
          process.stdout.write(`  ${dockerImportArgv(image.tar, image.name).map((a) => (/[\s"[\]]/.test(a) ? `'${a}'` : a)).join(' ')}\n`);
          process.stdout.write(`  printf '${nodeImageDockerfile(image.name).replace(/\n/g, '\\n')}' | docker build -t ${image.name} -\n`);
        }
      } finally {
        for (const p of await cleanup.unwind()) ctx.say(`resetlab: ${p}`);
      }
    });
  ni.command('list')
    .description('list cached node images (cache: $XDG_CACHE_HOME/resetlab/kind-images, default ~/.cache/resetlab/kind-images)')
    .option('--json', 'print one JSON document')
    .action(async (flags: { json?: boolean }) => {
      const images = await listNodeImages(nodeImageCacheRoot());
      if (flags.json) process.stdout.write(JSON.stringify({ schema: 'resetlab/kind-node-images@1', root: nodeImageCacheRoot(), images }, null, 2) + '\n');
      else process.stdout.write((images.map(describeNodeImage).join('\n\n') || '(none: resetlab kind node-image build)') + '\n');
    });
}
