/**
 * Guests per kernel, shared by the vm driver and the kind driver hosted in a guest
 * (harness/lab/kind/in-guest.ts): resolve every kernel, boot up to `parallel` guests, hand
 * reports over kernel by kernel. Lives outside both drivers' driver.ts (no driver imports
 * another's).
 */
import { basename } from 'node:path';
import pLimit from 'p-limit';
import { UnsupportedError } from '../../errors.js';
import type { KernelSpec } from '../../kernels/artefact.js';
import { resolveKernel } from '../../kernels/resolve.js';
import type { RunReport } from '../../report/schema.js';
import type { LabDriver } from '../driver.js';
import { planCells } from './cells.js';
import type { VmSettings } from './flags.js';
import { runKernel } from './provider.js';
import { failedCellReport } from './results.js';
import { kubernetesCacheRoot } from '../../kubernetes/cache.js';
import { resolveKubernetes } from '../../kubernetes/resolve.js';
import { parseKubeProxySpec } from '../../kubernetes/spec.js';

/** A version expectations can match for a kernel spec before it is resolved. */
export function kernelVersionOf(spec: KernelSpec): string {
  if (spec.kind === 'series') return spec.series;
  if (spec.kind === 'package') return spec.version.replace(/^linux-image-/, '');
  return basename(spec.modulesDir);
}

/**
 * Runs `scenarios` in one guest per kernel of `settings` (booted up to `parallel` at once),
 * handing each report to `onReport` kernel by kernel; the vm driver's execute and the kind
 * driver hosted in a guest (`settings.guestDriver`) share it. The caller has checked the machine.
 */
export async function runOnKernels(ctx: Parameters<LabDriver['execute']>[0], scenarios: Parameters<LabDriver['execute']>[1], settings: VmSettings, flags: Parameters<LabDriver['execute']>[2], onReport: Parameters<LabDriver['execute']>[3]): Promise<RunReport[]> {
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
        return cells.map((c) => failedCellReport(c, facts, `kernel ${artefact.release} did not run: ${error.message.split('\n')[0]}`, settings.guestDriver?.name));
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
}
