/**
 * Test data for the RPS benchmark's pure modules: a real run report (test/fixtures/reports/
 * ci-none.json) reshaped into `rps=<mask>` arms with chosen per-trial requests/s, and CPU
 * windows. Used by unit tests only.
 */
import { loadFixture } from './reports.js';
import type { RunReport, TrialResult } from '../../harness/report/schema.js';
import { poolArm } from '../../harness/verdict/index.js';
import type { CpuWindow } from '../../harness/bench/proc-cpu.js';
import type { RpsPlan } from '../../harness/bench/rps/plan.js';

/** A report with one arm per mask; `rates[i]` are arm i's per-trial requests/s (bytes/s = rate x 65 KiB). */
export function rpsReport(masks: string[], rates: number[][], resets: number[] = masks.map(() => 0)): RunReport {
  const base = loadFixture('ci-none');
  const template = base.arms[0]!.trials[0]!;
  const arms = masks.map((mask, i) => {
    const trials: TrialResult[] = rates[i]!.map((rate, t) => ({
      ...template,
      trial: t + 1,
      requests: Math.round(rate * 5),
      requestsPerSec: rate,
      throughputBytesPerSec: rate * 65_700,
      durationSec: 5,
      resets: t === 0 ? resets[i]! : 0,
      errors: (t === 0 && resets[i] ? { ECONNRESET: resets[i]! } : {}) as Record<string, number>,
      rps: { 'node-a': { 'wire0/rx-0/rps_cpus': mask, 'wire0/rx-0/rps_flow_cnt': '0' } },
    }));
    return { ...poolArm(`rps=${mask}`, trials), rps: trials[0]!.rps! };
  });
  return { ...base, arms, notes: [] };
}

/** A plan matching `rpsReport` (no liberal crossing). */
export function rpsPlanFor(report: RunReport, masks: string[], trials: number): RpsPlan {
  return {
    masks,
    liberal: null,
    trials,
    durationMs: 5000,
    scenario: { name: 'none', source: 'built-in:none', topology: {} as never, load: {} as never, fault: { kind: 'none' }, trials,
      arms: masks.map((m) => ({ name: `rps=${m}`, sysctls: {}, rps: { cpus: m, flowCnt: 0, nodes: ['node-a', 'node-b'], interfaces: ['wire0'] } })) },
    armKeys: masks.map((mask) => ({ mask, liberal: 0 })),
  };
}

/** A two-CPU window with the given softirq shares. */
export function cpuPair(soft0: number, soft1: number): CpuWindow[] {
  return [
    { cpu: 0, netRx: 1000, netRxPerSec: 250, softirqShare: soft0, busyShare: 0.9 },
    { cpu: 1, netRx: 500, netRxPerSec: 125, softirqShare: soft1, busyShare: 0.8 },
  ];
}
