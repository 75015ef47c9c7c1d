/**
 * The vm driver as the CLI sees it (registry entry): `--kernel` (and `--modules`, `--memory`,
 * `--cpus`, `--accel`, `--vm-timeout`, `--full-load`) validated with every other flag; the
 * host checked read-only (exit 2 naming what is missing); leftovers of dead vm runs removed;
 * every kernel resolved (resolveKernel) before the first boot; then one guest per kernel
 * runs every scenario (provider.ts), and each report goes to `onReport`. With several kernels,
 * one that cannot boot turns its cells into `inconclusive` reports and the others still run.
 */
import { basename } from 'node:path';
import pLimit from 'p-limit';
import { UnsupportedError, type InputProblem } from '../../errors.js';
import type { KernelSpec } from '../../kernels/artefact.js';
import { resolveKernel } from '../../kernels/resolve.js';
import type { RunReport } from '../../report/schema.js';
import type { LabDriver } from '../driver.js';
import { netnsScenarioProblems } from '../netns/capabilities.js';
import { planCells } from './cells.js';
import { removeVmLeftovers } from './cleanup.js';
import { parseVmFlags, type VmFlags } from './flags.js';
import { assertVmPreconditions, vmReadiness } from './preconditions.js';
import { runKernel } from './provider.js';
import { failedCellReport } from './results.js';
import { KUBE_PROXY_OPTION } from '../../kubernetes/option.js';
import { kubernetesCacheRoot } from '../../kubernetes/cache.js';
import { resolveKubernetes } from '../../kubernetes/resolve.js';
import { parseKubeProxySpec } from '../../kubernetes/spec.js';

/** A version expectations can match for a kernel spec before it is resolved. */
export function kernelVersionOf(spec: KernelSpec): string {
  if (spec.kind === 'series') return spec.series;
  if (spec.kind === 'package') return spec.version.replace(/^linux-image-/, '');
  return basename(spec.modulesDir);
}

function removeLoudly(say: (line: string) => void, always: boolean): void {
  const r = removeVmLeftovers();
  if (r.killed.length > 0) say(`resetlab: killed guests of runs that did not finish: ${r.killed.join(', ')}`);
  if (r.removedDirs.length > 0) say(`resetlab: removed vm run folders of runs that did not finish: ${r.removedDirs.join(', ')}`);
  if (always && r.killed.length === 0 && r.removedDirs.length === 0) say('resetlab: no guests or vm run folders to clean up');
}

/** The vm driver. */
export const vmDriver: LabDriver = {
  name: 'vm',
  summary: 'Debian kernels under QEMU running the netns lab inside, with real IPVS',
  options: [
    { flags: '--kernel <list>', key: 'kernel', description: 'vm: kernels, comma-separated: Debian series (5.10,6.1,6.12,7.2), package versions, or a vmlinuz path' },
    { flags: '--modules <dir>', key: 'modules', description: 'vm: the lib/modules/VERSION folder of a --kernel path' },
    { flags: '--memory <MiB>', key: 'memory', description: 'vm: guest memory (default 3072)' },
    { flags: '--cpus <n>', key: 'cpus', description: 'vm: guest CPUs (default 1: two emulated CPUs crashed node under TCG)' },
    { flags: '--parallel <n>', key: 'parallel', description: 'vm: guests (kernels) at once (default: host cores / --cpus, at most one per kernel)' },
    { flags: '--accel <mode>', key: 'accel', description: 'vm: auto (KVM if it boots, else TCG), kvm or tcg' },
    { flags: '--vm-timeout <duration>', key: 'vmTimeout', description: 'vm: upper bound for one guest (default: from the scenarios)' },
    { flags: '--full-load', key: 'fullLoad', description: 'vm: run built-in scenarios with their full load (default: lighter for emulation)' },
    KUBE_PROXY_OPTION,
  ],
  flagProblems: (flags): InputProblem[] => [...parseVmFlags(flags as VmFlags).problems, ...(typeof flags.kubeProxy === 'string' ? parseKubeProxySpec(flags.kubeProxy).problems : [])],
  readiness: async () => vmReadiness(),
  // The guest loads any module it needs; only what the netns lab cannot build is refused here.
  scenarioProblems: (scenarios) => netnsScenarioProblems(scenarios, null),
  proxyModeFor: (s) => (s.topology.proxyMode === 'auto' ? 'ipvs' : s.topology.proxyMode),
  kernelsFor: (flags) => parseVmFlags(flags as VmFlags).settings?.kernels.map(kernelVersionOf) ?? [],
  async execute(ctx, scenarios, flags, onReport) {
    const settings = parseVmFlags(flags as VmFlags).settings!;
    assertVmPreconditions();
    removeLoudly(ctx.say, false);
    const artefacts = [];
    for (const spec of settings.kernels) artefacts.push(await resolveKernel(spec, { say: ctx.say }));
    // The real kube-proxy is built (or checked) on the host; the guest sees the cache through its read-only root.
    const spec = typeof flags.kubeProxy === 'string' ? parseKubeProxySpec(flags.kubeProxy).spec : undefined;
    if (spec) {
      const b = await resolveKubernetes(kubernetesCacheRoot(), spec, { runner: ctx.runner, say: ctx.say });
      settings.kubeProxy = spec.kind === 'dir' ? b.source.kind === 'dir' ? b.source.dir : spec.dir : spec.version;
    }
    const cells = planCells(scenarios, { asWritten: flags.fullLoad === true, durationGiven: flags.duration !== undefined });
    // Up to `parallel` guests at once; their progress lines carry the kernel when several run.
    // Reports are handed over kernel by kernel in the order given, as soon as each is complete.
    const limit = pLimit(settings.parallel);
    // A guest that fails outright stops the others (their cleanup still runs) before the error goes up.
    const stopAll = new AbortController();
    const signal = AbortSignal.any([ctx.signal, stopAll.signal]);
    const together = settings.parallel > 1 && artefacts.length > 1;
    if (together) ctx.say(`resetlab: ${Math.min(settings.parallel, artefacts.length)} guests at once (--parallel ${settings.parallel}); their lines start with the kernel`);
    const runs = artefacts.map((artefact) =>
      limit(async (): Promise<RunReport[] | null> => {
        if (signal.aborted) return null;
        const say = together ? (line: string) => ctx.say(`[${artefact.release}] ${line}`) : ctx.say;
        try {
          return await runKernel({ ...ctx, say, signal, resultsDir: ctx.outDir }, artefact, cells, settings);
        } catch (error) {
          // One kernel: its failure is the answer (exit 2). In a matrix, the other kernels still run
          // and this kernel's cells say why they have no verdict.
          if (artefacts.length === 1 || !(error instanceof UnsupportedError)) {
            stopAll.abort();
            throw error;
          }
          say(`resetlab: ${error.message}`);
          const facts = { kernelRelease: artefact.release, kernelSource: { ...artefact.source }, accel: 'none', qemuVersion: 'unknown', memoryMiB: settings.memoryMiB, cpus: settings.cpus, bootSec: 0, timeScale: 1 };
          return cells.map((c) => failedCellReport(c, facts, `kernel ${artefact.release} did not run: ${error.message.split('\n')[0]}`));
        }
      }),
    );
    // Every guest is awaited (and so cleaned up) before this returns or throws.
    const settled = Promise.allSettled(runs);
    const reports: RunReport[] = [];
    try {
      for (const run of runs) {
        const kernelReports = await run;
        if (!kernelReports) break;
        for (const r of kernelReports) {
          await onReport(r);
          reports.push(r);
        }
      }
    } finally {
      await settled;
    }
    return reports;
  },
  removeLeftovers: async (ctx) => removeLoudly(ctx.say, true),
};
