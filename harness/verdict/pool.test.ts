import { describe, expect, it } from 'vitest';
import { ArmResult, type TrialResult } from '../report/schema.js';
import { poolArm } from './pool.js';
import { poissonInterval } from './stats.js';

const LIBERAL = 'net.netfilter.nf_conntrack_tcp_be_liberal';

/** A valid trial with measured-like numbers (KNOWLEDGE.md §3, over-window, liberal=0). */
function trial(over: Partial<TrialResult> = {}): TrialResult {
  return {
    trial: 1,
    sysctlsByNode: { 'node-a': { [LIBERAL]: 0 }, 'node-b': { [LIBERAL]: 0 } },
    requests: 102_751,
    resets: 332,
    errors: { ECONNRESET: 332 },
    durationSec: 10,
    throughputBytesPerSec: 6.7e8,
    requestsPerSec: 10_275.1,
    latencyMs: { p50: 4, p90: 8, p99: 20, max: 250, mean: 5 },
    evidence: {
      injected: 391,
      conntrackInvalid: 391,
      invalidDropped: 0,
      leakedUnNatted: 380,
      clientRstsSent: 340,
      serverResets: 332,
    },
    ticks: [{ second: 0, requests: 10_000, resets: 30 }],
    disturbed: [],
    ...over,
  };
}

describe('poolArm', () => {
  it('is exact for one trial', () => {
    const t = trial();
    const arm = poolArm('liberal=0', [t]);
    expect(ArmResult.parse(arm)).toEqual(arm);
    expect(arm).toMatchObject({
      name: 'liberal=0',
      sysctls: { [LIBERAL]: 0 },
      requests: 102_751,
      resets: 332,
      errors: { ECONNRESET: 332 },
      latencyMs: t.latencyMs,
      evidence: t.evidence,
      disturbed: [],
    });
    expect(arm.throughputBytesPerSec).toBeCloseTo(6.7e8, 3);
    expect(arm.requestsPerSec).toBeCloseTo(10_275.1, 6);
    expect(arm.resetRate).toEqual(poissonInterval(332, 102_751));
    expect(arm.trials).toEqual([t]);
  });

  it('sums counts and weights throughput by duration and latency by requests', () => {
    const a = trial({ trial: 1, requests: 3000, resets: 2, errors: { ECONNRESET: 2 }, durationSec: 10,
      throughputBytesPerSec: 100, latencyMs: { p50: 1, p90: 2, p99: 10, max: 50, mean: 1.5 },
      evidence: { injected: 1, conntrackInvalid: 2, conntrackIgnored: 5, invalidDropped: 3, leakedUnNatted: 4, clientRstsSent: 5, serverResets: 6 } });
    const b = trial({ trial: 2, requests: 1000, resets: 1, errors: { ECONNRESET: 1, ETIMEDOUT: 4 }, durationSec: 30,
      throughputBytesPerSec: 300, latencyMs: { p50: 5, p90: 6, p99: 30, max: 40, mean: 5.5 },
      evidence: { injected: 10, conntrackInvalid: 20, invalidDropped: 30, leakedUnNatted: 40, clientRstsSent: 50, serverResets: 60 } });
    const arm = poolArm('x', [a, b]);
    expect(arm.requests).toBe(4000);
    expect(arm.resets).toBe(3);
    expect(arm.errors).toEqual({ ECONNRESET: 3, ETIMEDOUT: 4 });
    expect(arm.throughputBytesPerSec).toBeCloseTo((100 * 10 + 300 * 30) / 40, 9);
    expect(arm.requestsPerSec).toBeCloseTo(100, 9);
    expect(arm.latencyMs).toEqual({ p50: 2, p90: 3, p99: 15, max: 50, mean: 2.5 });
    expect(arm.evidence).toEqual({ injected: 11, conntrackInvalid: 22, conntrackIgnored: 5, invalidDropped: 33,
      leakedUnNatted: 44, clientRstsSent: 55, serverResets: 66 });
    expect(arm.resetRate).toEqual(poissonInterval(3, 4000));
    expect(ArmResult.safeParse(arm).success).toBe(true);
  });

  it.each([
    ['node-a when present', { 'node-b': { k: 2 }, 'node-a': { k: 1 } }, { k: 1 }],
    ['the first node otherwise', { 'node-b': { k: 2 }, 'node-c': { k: 3 } }, { k: 2 }],
    ['{} when no node', {}, {}],
  ])('takes sysctls from %s', (_what, byNode, want) => {
    expect(poolArm('x', [trial({ sysctlsByNode: byNode }), trial({ sysctlsByNode: { 'node-a': { k: 9 } } })]).sysctls)
      .toEqual(want);
  });

  it('prefixes disturbed reasons with the trial number', () => {
    const arm = poolArm('x', [
      trial({ trial: 1, disturbed: ['agent killed at deadline'] }),
      trial({ trial: 2 }),
      trial({ trial: 3, disturbed: ['sysctl changed', 'load agent exited 1'] }),
    ]);
    expect(arm.disturbed).toEqual([
      'trial 1: agent killed at deadline',
      'trial 3: sysctl changed',
      'trial 3: load agent exited 1',
    ]);
  });

  it('gives a valid empty arm for zero trials', () => {
    const arm = poolArm('empty', []);
    expect(ArmResult.parse(arm)).toEqual(arm);
    expect(arm).toMatchObject({ requests: 0, resets: 0, throughputBytesPerSec: 0, requestsPerSec: 0, trials: [] });
    expect(arm.resetRate).toEqual({ perMillion: 0, low: 0, high: 1e6 });
  });

  it('uses equal latency weights and zero rates when trials have no requests or duration', () => {
    const arm = poolArm('idle', [
      trial({ requests: 0, resets: 0, durationSec: 0, latencyMs: { p50: 2, p90: 2, p99: 2, max: 2, mean: 2 } }),
      trial({ requests: 0, resets: 0, durationSec: 0, latencyMs: { p50: 4, p90: 4, p99: 4, max: 4, mean: 4 } }),
    ]);
    expect(arm.latencyMs).toEqual({ p50: 3, p90: 3, p99: 3, max: 4, mean: 3 });
    expect(arm.throughputBytesPerSec).toBe(0);
    expect(ArmResult.safeParse(arm).success).toBe(true);
  });
});
