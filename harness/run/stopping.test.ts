import { describe, expect, it } from 'vitest';
import type { Stopping, TrialResult } from '../report/schema.js';
import { armStopping, SequentialStopper } from './stopping.js';

function trial(n: number, requests: number, resets: number, stopping?: Stopping): TrialResult {
  return {
    trial: n, sysctlsByNode: {}, requests, resets, errors: {}, durationSec: 2, throughputBytesPerSec: 0, requestsPerSec: 0,
    latencyMs: { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 },
    evidence: { injected: 0, conntrackInvalid: 0, invalidDropped: 0, leakedUnNatted: 0, clientRstsSent: 0, serverResets: 0 },
    ticks: [], disturbed: [], ...(stopping ? { stopping } : {}),
  };
}
const O = { alpha: 0.01, minRequests: 2000, minRatePerMillion: 200 };

describe('armStopping', () => {
  it.each([
    ['no trials', [], null],
    ['trials without records', [trial(1, 10, 0)], null],
    ['fixed duration', [trial(1, 100, 0, { reason: 'max-duration', requests: 100, resets: 0, seconds: 2, mode: 'fixed' })],
      { reason: 'max-duration', requests: 100, resets: 0, seconds: 2, mode: 'fixed' }],
    ['decided in the second block: counts of the first block added', [
      trial(1, 100, 1, { reason: 'max-duration', requests: 100, resets: 1, seconds: 2, mode: 'sequential' }),
      trial(2, 80, 3, { reason: 'decided', settled: 'baseline positive', requests: 50, resets: 2, seconds: 0.6, mode: 'sequential' }),
    ], { reason: 'decided', settled: 'baseline positive', requests: 150, resets: 3, seconds: 2.6, mode: 'sequential' }],
    ['interrupted', [trial(1, 100, 0, { reason: 'interrupted', requests: 100, resets: 0, seconds: 1, mode: 'sequential' })],
      { reason: 'interrupted', requests: 100, resets: 0, seconds: 2, mode: 'sequential' }],
  ] as const)('%s', (_n, trials, want) => {
    expect(armStopping([...trials])).toEqual(want);
  });
});

describe('SequentialStopper', () => {
  it('stops the baseline once positive, and every fix arm once its pair with the baseline is decided', () => {
    const arms: TrialResult[][] = [[], [], []];
    const s = new SequentialStopper(arms, O);
    expect(s.stopWhen(0)!({ requests: 1000, resets: 10, seconds: 0.2 })).toBeNull();
    expect(s.stopWhen(0)!({ requests: 7000, resets: 20, seconds: 0.5 })?.settled).toBe('baseline positive');
    arms[0]!.push(trial(1, 7000, 20));
    expect(s.settled(0)?.settled).toBe('baseline positive');
    expect(s.stopWhen(2)!({ requests: 1000, resets: 0, seconds: 0.2 })).toBeNull();
    const d = s.stopWhen(2)!({ requests: 6000, resets: 0, seconds: 0.6 });
    expect(d?.settled).toBe('reproduced');
    expect(d?.evidence?.eBaselineAbove).toBeGreaterThanOrEqual(100);
    // A middle arm is judged against the baseline on its own counts, not the last arm's.
    expect(s.stopWhen(1)!({ requests: 6000, resets: 30, seconds: 0.6 })?.settled).toBe('not-fixed');
    expect(s.stopWhen(1)!({ requests: 1000, resets: 0, seconds: 0.2 })).toBeNull();
  });
  it('a single arm has nothing to decide', () => {
    const s = new SequentialStopper([[]], O);
    expect(s.stopWhen(0)).toBeUndefined();
    expect(s.settled(0)).toBeNull();
  });
});

describe('SequentialStopper minimum exposure', () => {
  it('settles nothing before the minimum load time, capped by the maximum', () => {
    const arms: TrialResult[][] = [[], []];
    const s = new SequentialStopper(arms, O, 10, 4);
    expect(s.stopWhen(0)!({ requests: 30_000, resets: 40, seconds: 3.9 })).toBeNull();
    expect(s.stopWhen(0)!({ requests: 30_000, resets: 40, seconds: 4 })?.settled).toBe('baseline positive');
    const capped = new SequentialStopper(arms, O, 3, 4);
    expect(capped.stopWhen(0)!({ requests: 30_000, resets: 40, seconds: 3 })?.settled).toBe('baseline positive');
  });
});
