/**
 * `resetlab kind node-image build|list`: resetlab's offline kind node image (harness/kind-image),
 * built from the Kubernetes build of Debian's source and Debian's packages, with no registry.
 * `build` prints where node.tar is and how to load it (`docker import`, then the one-line
 * build that adds systemd's stop signal); `list` shows the cache with each image's contents.
 */
import { Option, type Command } from 'commander';
import { GateError, InputError, UnsupportedError } from '../../errors.js';
import { resolveKernel } from '../../kernels/resolve.js';
import { kindGuestPrelude } from '../../kind-image/guest.js';
import { checkNodeImage, type NodeCheckResult } from '../../kind-image/node-check.js';
import { KIND_GUEST_DEFAULTS } from '../../lab/kind/in-guest.js';
import { parseVmFlags } from '../../lab/vm/flags.js';
import { GUEST_OUT } from '../../lab/vm/guest-init.js';
import { assertVmPreconditions, kindGuestMissing } from '../../lab/vm/preconditions.js';
import { runGuestCommand } from '../../lab/vm/provider.js';
import { DEFAULT_OUT } from '../paths.js';
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
  ni.command('check')
    .description('boot a guest, load the node image into its own dockerd and start one node as kind does: kind\'s readiness line, containerd, the images imported, kubelet waiting for kubeadm (exit 3 if a step fails)')
    .option('--kernel <kernel>', 'the guest\'s kernel: a Debian series (6.1), a package version', '6.1')
    .option('--modules <dir>', 'the lib/modules/VERSION folder of a --kernel path')
    .option('--memory <MiB>', `guest memory (default ${KIND_GUEST_DEFAULTS.memoryMiB})`)
    .option('--accel <mode>', 'auto, kvm or tcg')
    .option('--out <dir>', "where the guest's console log is kept (default: results/)")
    .option('--json', 'print one JSON document (resetlab/kind-node-check@1)')
    .addOption(new Option('--here <image>', 'run the check with this machine\'s Docker (what the guest runs)').hideHelp())
    .addOption(new Option('--time-scale <x>', 'multiply deadlines (set by the vm driver in its guests)').hideHelp())
    .action(async (flags: { kernel: string; modules?: string; memory?: string; accel?: string; out?: string; json?: boolean; here?: string }) => {
      const ctx = getCtx();
      const print = (r: NodeCheckResult) => {
        process.stdout.write(flags.json ? JSON.stringify(r, null, 2) + '\n' : r.steps.map((s) => `${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(14)} ${s.atSec === null ? '' : `${s.atSec} s  `}${s.detail}`).join('\n') + '\n');
        if (!r.ok) throw new GateError(`the node image ${r.image} did not boot to "kubelet waits for kubeadm"`);
      };
      if (flags.here) return print(await checkNodeImage(ctx.runner, flags.here, 'resetlab-node-check', { timeoutMs: 900_000, say: ctx.say }));
      const v = parseVmFlags({ kernel: flags.kernel, ...(flags.modules ? { modules: flags.modules } : {}), memory: flags.memory ?? String(KIND_GUEST_DEFAULTS.memoryMiB), cpus: String(KIND_GUEST_DEFAULTS.cpus), ...(flags.accel ? { accel: flags.accel } : {}) });
      if (!v.settings) throw new InputError(v.problems);
      assertVmPreconditions(kindGuestMissing());
      const cleanup = new CleanupStack();
      try {
        const image = await ensureNodeImage(OFFLINE_K8S_VERSION, { runner: ctx.runner, say: ctx.say, cleanup, prefix: newPrefix() });
        const artefact = await resolveKernel(v.settings.kernels[0]!, { say: ctx.say });
        const prelude = kindGuestPrelude({ nodeTar: image.tar, nodeImage: image.name, pathDirs: [], dockerSize: KIND_GUEST_DEFAULTS.dockerSize, share: GUEST_OUT });
        const r = await runGuestCommand({ ...ctx, resultsDir: flags.out ?? DEFAULT_OUT }, artefact, v.settings, ['kind', 'node-image', 'check', '--here', image.name, '--json'], 40 * 60_000, { prelude, overlaySize: KIND_GUEST_DEFAULTS.overlaySize, label: 'the node image check' });
        let result: NodeCheckResult;
        try {
          result = JSON.parse(r.stdout) as NodeCheckResult;
        } catch {
          throw new UnsupportedError(`the node image check in the ${r.facts.kernelRelease} guest gave no result (${r.stopped ?? `exit ${r.exitCode}`}); its console log: ${r.facts.consoleLog}`);
        }
        print({ ...result, vm: r.facts } as NodeCheckResult);
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
