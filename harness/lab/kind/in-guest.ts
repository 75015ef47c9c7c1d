/**
 * The kind driver hosted in a guest (`resetlab run ... --driver kind --kernel 6.1`): a real
 * kind cluster on the kernel under test, on a machine whose own kernel and Docker are never
 * touched. On the host: resetlab's offline node image (harness/kind-image, built once and
 * cached), Debian's kind binary and the kernel are made ready; then the vm driver boots one
 * guest per kernel whose stage 2 first starts cgroups, its own dockerd and the node image
 * (kind-image/guest.ts), and then runs every scenario as `resetlab run <cell> --driver kind
 * --node-image <image>` there, unchanged. Reports come back through the run share like the
 * vm driver's (each carries the guest's facts); the host gets a qemu process and files in the
 * run's folder, nothing else.
 */
import { CleanupStack } from '../../exec/cleanup-stack.js';
import type { InputProblem } from '../../errors.js';
import { ensureKind } from '../../kind-image/kind-binary.js';
import { ensureNodeImage } from '../../kind-image/build.js';
import { kindGuestPrelude } from '../../kind-image/guest.js';
import { OFFLINE_K8S_VERSION } from '../../kind-image/spec.js';
import { kubernetesCacheRoot, versionDir } from '../../kubernetes/cache.js';
import type { RunReport } from '../../report/schema.js';
import type { DriverFlags, DriverOption, LabDriver } from '../driver.js';
import { newPrefix } from '../prefix.js';
import { runOnKernels } from '../vm/run-on-kernels.js';
import { runGuestCommands, type GuestCommand, type GuestCommandResult, type KernelRunContext } from '../vm/provider.js';
import { resolveKernel } from '../../kernels/resolve.js';
import { parseVmFlags, type VmFlags } from '../vm/flags.js';
import { assertVmPreconditions, kindGuestMissing } from '../vm/preconditions.js';
import { GUEST_OUT } from '../vm/guest-init.js';


/**
 * Guest size for a kind cluster of three nodes under TCG: Docker's data root is a tmpfs
 * (the node image, each node's /var with its imported images) and the control plane's
 * components want more than one emulated CPU.
 */
export const KIND_GUEST_DEFAULTS = { memoryMiB: 12288, cpus: 2, dockerSize: '9g', overlaySize: '2g' } as const;

/** The vm options the kind driver shares (same flags and keys as the vm driver's). */
export const KIND_GUEST_OPTIONS: DriverOption[] = [
  // Listed once in --help with the vm driver's (the first description wins): so written for both.
  { flags: '--kernel <list>', key: 'kernel', description: "kernels, comma-separated: Debian series (5.10,6.1,6.12,7.2), package versions, or a vmlinuz path (kind: its cluster runs in a guest of that kernel, from resetlab's offline node image)" },
  { flags: '--memory <MiB>', key: 'memory', description: `guest memory (default 3072; kind in a guest ${KIND_GUEST_DEFAULTS.memoryMiB})` },
  { flags: '--cpus <n>', key: 'cpus', description: `guest CPUs (default 1: two emulated CPUs crashed node under TCG; kind in a guest ${KIND_GUEST_DEFAULTS.cpus})` },
  { flags: '--accel <mode>', key: 'accel', description: 'auto (KVM if it boots, else TCG), kvm or tcg' },
  { flags: '--vm-timeout <duration>', key: 'vmTimeout', description: 'upper bound for one guest (default: from the scenarios)' },
];

/** The vm flags with the kind guest's defaults (pure). */
export function kindVmFlags(flags: DriverFlags): VmFlags {
  const f = flags as VmFlags;
  return { ...f, memory: f.memory ?? String(KIND_GUEST_DEFAULTS.memoryMiB), cpus: f.cpus ?? String(KIND_GUEST_DEFAULTS.cpus), parallel: '1' };
}

/** Problems with the guest flags (pure); none when no `--kernel` is given. */
export function kindGuestFlagProblems(flags: DriverFlags): InputProblem[] {
  if (flags.kernel === undefined) {
    const stray = KIND_GUEST_OPTIONS.filter((o) => o.key !== 'kernel' && flags[o.key] !== undefined);
    return stray.map((o) => ({ file: 'flags', field: o.flags.split(' ')[0]!, message: 'only applies with --kernel (kind hosted in a guest)' }));
  }
  const problems = parseVmFlags(kindVmFlags(flags)).problems;
  if (flags.nodeImage !== undefined) problems.push({ file: 'flags', field: '--node-image', message: `kind in a guest runs resetlab's offline node image (Kubernetes ${OFFLINE_K8S_VERSION}); no other image can be pulled there` });
  return problems;
}

/**
 * What every kind guest needs from the host: resetlab's offline node image (built or cached)
 * and Debian's kind, and the guest's prelude (its dockerd, the image loaded, kind and the
 * Kubernetes binaries on PATH). Says what goes in.
 */
async function prepareKindGuest(ctx: { runner: KernelRunContext['runner']; say(line: string): void }, cleanup: CleanupStack): Promise<{ image: Awaited<ReturnType<typeof ensureNodeImage>>; prelude: string }> {
  const image = await ensureNodeImage(OFFLINE_K8S_VERSION, { runner: ctx.runner, say: ctx.say, cleanup, prefix: newPrefix() });
  const kroot = kubernetesCacheRoot();
  const { kind } = await ensureKind(kroot, { runner: ctx.runner, say: ctx.say });
  ctx.say(`resetlab: kind ${kind!.version} and the node image ${image.name} (${(image.nodeTarBytes / 1e6).toFixed(0)} MB) go into the guest; its dockerd starts there`);
  const prelude = kindGuestPrelude({
    nodeTar: image.tar,
    nodeImage: image.name,
    pathDirs: [`${kind!.dir}/bin`, `${versionDir(kroot, OFFLINE_K8S_VERSION)}/bin`],
    dockerSize: KIND_GUEST_DEFAULTS.dockerSize,
    share: GUEST_OUT,
  });
  return { image, prelude };
}

/** Runs `scenarios` on kind in a guest per kernel (see module doc). */
export async function runKindInGuest(ctx: Parameters<LabDriver['execute']>[0], scenarios: Parameters<LabDriver['execute']>[1], flags: DriverFlags, onReport: Parameters<LabDriver['execute']>[3]): Promise<RunReport[]> {
  const settings = parseVmFlags(kindVmFlags(flags)).settings!;
  assertVmPreconditions(kindGuestMissing());
  const cleanup = new CleanupStack();
  try {
    const { image, prelude } = await prepareKindGuest(ctx, cleanup);
    settings.guestDriver = {
      name: 'kind',
      args: ['--driver', 'kind', '--node-image', image.name, ...(typeof flags.kubeProxyMode === 'string' ? ['--kube-proxy-mode', flags.kubeProxyMode] : [])],
      prelude,
      overlaySize: KIND_GUEST_DEFAULTS.overlaySize,
      // Measured on 6.1 under TCG (2 vCPUs): kind create about 10 min; generously more per scenario.
      perCellMs: 40 * 60_000,
      setupMs: 10 * 60_000,
    };
    return await runOnKernels(ctx, scenarios, settings, flags, onReport);
  } finally {
    for (const p of await cleanup.unwind()) ctx.say(`resetlab: ${p}`);
  }
}

/**
 * Runs resetlab commands one after another in one kind guest of the first `--kernel` (dockerd
 * started, the offline node image loaded, kind and kubectl on PATH), e.g. a kind run that keeps
 * its cluster and then `--driver kube` runs against it. `commands` gets the node image's name.
 */
export async function runCommandsInKindGuest(
  ctx: KernelRunContext,
  flags: DriverFlags,
  commands: (nodeImage: string) => GuestCommand[],
  budgetMs: number,
): Promise<{ nodeImage: string; results: GuestCommandResult[] }> {
  const settings = parseVmFlags(kindVmFlags(flags)).settings!;
  assertVmPreconditions(kindGuestMissing());
  const cleanup = new CleanupStack();
  try {
    const { image, prelude } = await prepareKindGuest(ctx, cleanup);
    const artefact = await resolveKernel(settings.kernels[0]!, { say: ctx.say });
    const results = await runGuestCommands(ctx, artefact, settings, commands(image.name), budgetMs, { prelude, overlaySize: KIND_GUEST_DEFAULTS.overlaySize, label: 'resetlab commands on kind' });
    return { nodeImage: image.name, results };
  } finally {
    for (const p of await cleanup.unwind()) ctx.say(`resetlab: ${p}`);
  }
}
