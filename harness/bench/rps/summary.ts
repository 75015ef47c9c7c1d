/**
 * Builds the RPS benchmark document from the run report and the per-trial CPU windows: per-arm
 * summaries over the clean trials (a disturbed trial, e.g. one whose load agent was killed or
 * gave no result, is listed but left out of every figure and test), then the comparisons of
 * every mask with the baseline mask (compare.ts), only when the run is complete. Pure.
 */
import type { ArmResult, RunReport } from '../../report/schema.js';
import type { RpsPlan } from './plan.js';
import type { CpuMean, RfsState, RpsBenchArm, RpsBenchDoc, RpsBenchTrial } from './doc.js';
import { poissonInterval } from '../../verdict/index.js';
import { compareArms, BENCH_ALPHA, cleanTrials } from './compare.js';
import { windowKey } from '../cpu-probe.js';
import type { CpuWindow } from '../proc-cpu.js';
import { fullSchedule } from '../schedule.js';
import { summarize } from '../welch.js';

/** Per-CPU means over the windows that exist. */
export function meanCpu(windows: Array<CpuWindow[] | null>): CpuMean[] {
  const present = windows.filter((w): w is CpuWindow[] => w !== null && w.length > 0);
  if (present.length === 0) return [];
  const cpus = [...new Set(present.flatMap((w) => w.map((c) => c.cpu)))].sort((a, b) => a - b);
  return cpus.map((cpu) => {
    const rows = present.map((w) => w.find((c) => c.cpu === cpu)).filter((c): c is CpuWindow => c !== undefined);
    const mean = (pick: (c: CpuWindow) => number) => rows.reduce((s, c) => s + pick(c), 0) / rows.length;
    return { cpu, softirqShare: mean((c) => c.softirqShare), busyShare: mean((c) => c.busyShare), netRxPerSec: mean((c) => c.netRxPerSec) };
  });
}

function benchArm(arm: ArmResult, key: RpsPlan['armKeys'][number], positions: Map<string, number>, windows: Map<string, CpuWindow[] | null>): RpsBenchArm {
  const trials: RpsBenchTrial[] = arm.trials.map((t) => ({
    trial: t.trial,
    position: positions.get(windowKey(arm.name, t.trial)) ?? 0,
    requestsPerSec: t.requestsPerSec,
    bytesPerSec: t.throughputBytesPerSec,
    latencyMs: t.latencyMs,
    requests: t.requests,
    resets: t.resets,
    cpu: windows.get(windowKey(arm.name, t.trial)) ?? null,
    disturbed: t.disturbed,
  }));
  const clean = cleanTrials({ trials });
  const requests = clean.reduce((s, t) => s + t.requests, 0);
  const resets = clean.reduce((s, t) => s + t.resets, 0);
  return {
    name: arm.name,
    mask: key.mask,
    liberal: key.liberal,
    rps: arm.rps ?? {},
    trials,
    excludedTrials: trials.length - clean.length,
    requestsPerSec: summarize(clean.map((t) => t.requestsPerSec)),
    bytesPerSec: summarize(clean.map((t) => t.bytesPerSec)),
    latencyMs: { p50: summarize(clean.map((t) => t.latencyMs.p50)), p99: summarize(clean.map((t) => t.latencyMs.p99)) },
    requests,
    resets,
    resetRate: poissonInterval(resets, requests),
    cpu: meanCpu(clean.map((t) => t.cpu)),
  };
}

/** Assembles bench.json from the plan, the run report, CPU windows by `windowKey` and the RFS state. */
export function buildRpsBenchDoc(plan: RpsPlan, report: RunReport, windows: Map<string, CpuWindow[] | null>, rfs: RfsState): RpsBenchDoc {
  const positions = new Map<string, number>();
  fullSchedule(plan.trials, report.arms.length).forEach(([trial, i], n) => positions.set(windowKey(report.arms[i]!.name, trial), n + 1));
  const arms = report.arms.map((a, i) => benchArm(a, plan.armKeys[i]!, positions, windows));
  const rps = plan.scenario.arms[0]?.rps;
  const notes = [...report.notes, ...arms.flatMap((a) => a.trials.flatMap((t) => t.disturbed.map((d) => `${a.name} trial ${t.trial}: ${d}`)))];
  const excluded = arms.filter((a) => (a.excludedTrials ?? 0) > 0);
  if (excluded.length > 0) {
    notes.push(`disturbed trials are left out of every figure and test: ${excluded.map((a) => `${a.name} ${a.excludedTrials} of ${a.trials.length}`).join(', ')}`);
  }
  if (arms.some((a) => a.cpu.length === 0)) notes.push('some trials had no load tick, so no CPU figures (use a longer --duration)');
  return {
    schema: 'resetlab/bench-rps@1',
    complete: report.complete,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    elapsedSec: report.elapsedSec,
    settings: {
      scenario: report.scenario.name,
      masks: plan.masks,
      liberal: plan.liberal,
      trials: plan.trials,
      durationSec: plan.durationMs / 1000,
      order: 'interleaved and counterbalanced: every trial runs every arm once, odd trials in listed order, even trials reversed',
      alpha: BENCH_ALPHA,
      rpsNodes: rps?.nodes ?? [],
      rpsInterfaces: rps?.interfaces ?? [],
      flowCnt: rps?.flowCnt ?? 0,
    },
    environment: report.environment,
    rfs,
    arms,
    comparisons: report.complete ? compareArms(arms) : [],
    notes,
    run: report,
  };
}

/** The RFS statement for a host `rps_sock_flow_entries` value (null: unreadable) and the flow count used. */
export function rfsState(hostEntries: number | null, flowCnt: number): RfsState {
  const active = hostEntries !== null && hostEntries > 0 && flowCnt > 0;
  const global =
    `net.core.rps_sock_flow_entries, a global sysctl that exists only in the host's namespace, ` +
    `${hostEntries === null ? 'could not be read' : `is ${hostEntries}`} (resetlab never changes the host)`;
  let note: string;
  if (active) note = `RFS may be active: rps_flow_cnt is ${flowCnt} per queue and ${global}.`;
  else if (flowCnt > 0) note = `RFS is not active: rps_flow_cnt is ${flowCnt} per queue, but ${global}; only RPS (rps_cpus) is benchmarked.`;
  else note = `RFS is not used: rps_flow_cnt is 0, and ${global}; only RPS (rps_cpus) is benchmarked.`;
  return { hostSockFlowEntries: hostEntries, active, note };
}
