import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/reports.js';
import type { RunReport, TrialResult } from './schema.js';
import { binDescription, binWidth, buildTimeline, secondTicks } from './timeline.js';

/** A report whose arms have the given trials (other fields from a captured run). */
function withTrials(...arms: Array<Array<Partial<TrialResult>>>): RunReport {
  const base = loadFixture('ci-early-stopped');
  const proto = base.arms[0]!;
  return { ...base, arms: arms.map((trials, i) => ({ ...proto, name: `arm${i}`, trials: trials.map((t, k) => ({ ...proto.trials[0]!, trial: k + 1, ...t })) })) };
}

/** Samples every `periodMs` for `n` periods, `requests` each (`resets` in the k-th when given). */
const samples = (n: number, periodMs: number, requests: number, resetAt = -1) =>
  Array.from({ length: n }, (_, k) => ({ endMs: (k + 1) * periodMs, requests, resets: k === resetAt ? 1 : 0 }));

describe('buildTimeline', () => {
  it('an early-stopped run (captured): one 0.2 s bin per sample, counts kept, decisions where the arms stopped', () => {
    const report = loadFixture('ci-early-stopped');
    const t = buildTimeline(report);
    expect([t.source, t.baseSec, t.binSec]).toEqual(['samples', 0.2, 0.2]);
    for (const a of report.arms) {
      const bins = t.bins.filter((b) => b.arm === a.name);
      expect(bins.length).toBe(a.trials[0]!.samples!.length);
      expect(bins.length).toBeGreaterThan(10);
      expect(bins.reduce((s, b) => s + b.requests, 0)).toBe(a.requests);
      expect(bins.reduce((s, b) => s + b.resets, 0)).toBe(a.resets);
      for (const b of bins) expect(b.requestsPerSec).toBeCloseTo(b.requests / (b.end - b.start), 9);
    }
    expect(t.decisions).toEqual([
      { arm: 'liberal=0', t: 8.632, label: 'liberal=0 decided at 8.6 s' },
      { arm: 'liberal=1', t: 4.447, label: 'liberal=1 decided at 4.4 s' },
    ]);
    expect(t.endSec).toBe(9.404);
    expect(binDescription(t, true)).toBe("0.2 s bins (the stopping check's period)");
  });

  it('a last sample under half a period joins the one before it (its rate would be noise)', () => {
    const t = buildTimeline(withTrials([{ samplePeriodMs: 200, samples: [{ endMs: 200, requests: 10, resets: 0 }, { endMs: 400, requests: 10, resets: 1 }, { endMs: 450, requests: 5, resets: 0 }] }]));
    expect(t.bins).toEqual([
      { arm: 'arm0', start: 0, end: 0.2, t: 0.1, requests: 10, resets: 0, requestsPerSec: 50, resetsPerSec: 0 },
      expect.objectContaining({ start: 0.2, end: 0.45, requests: 15, resets: 1, requestsPerSec: 60, resetsPerSec: 4 }),
    ]);
  });

  it('a long arm gets whole-second bins summed from its samples, rates over the time they really covered', () => {
    const t = buildTimeline(withTrials([{ samplePeriodMs: 200, samples: samples(150, 200, 20, 7), stopping: { reason: 'max-duration', requests: 3000, resets: 1, seconds: 30, mode: 'sequential' } }]));
    expect([t.binSec, t.bins.length]).toEqual([1, 30]);
    expect(t.bins[1]).toMatchObject({ start: 1, end: 2, requests: 100, resets: 1, requestsPerSec: 100, resetsPerSec: 1 });
    expect(t.bins.reduce((s, b) => s + b.requests, 0)).toBe(3000);
    expect(t.decisions).toEqual([]);
    expect(binDescription(t, true)).toBe('1 s bins');
  });

  it('trials follow one another; a decision in a later trial is placed after the earlier ones', () => {
    const first = { samplePeriodMs: 200, samples: samples(10, 200, 5), stopping: { reason: 'max-duration' as const, requests: 50, resets: 0, seconds: 2, mode: 'sequential' as const } };
    const second = { samplePeriodMs: 200, samples: samples(4, 200, 5), stopping: { reason: 'decided' as const, settled: 'reproduced', requests: 60, resets: 0, seconds: 0.6, mode: 'sequential' as const } };
    const r = withTrials([first, second]);
    // The arm's record sums the first trial's load (autocannon's 1.95 s) and the decision's 0.6 s.
    r.arms[0]!.stopping = { ...second.stopping, seconds: 2.55 };
    const t = buildTimeline(r);
    expect(t.bins).toHaveLength(14);
    expect(t.bins[10]).toMatchObject({ start: 2, end: 2.2 });
    // The line where the agents' clocks put the decision; the label what the tables say.
    expect(t.decisions).toEqual([{ arm: 'arm0', t: 2.6, label: 'arm0 decided (2.5 s of load)' }]);
  });

  it('falls back to per-second ticks for reports without samples, and says so', () => {
    const report = loadFixture('ci-over-window');
    const t = buildTimeline(report);
    expect([t.source, t.baseSec, t.binSec]).toEqual(['ticks', 1, 1]);
    expect(t.bins.filter((b) => b.arm === 'liberal=0')).toHaveLength(report.arms[0]!.trials[0]!.ticks.length);
    expect(t.bins[0]).toMatchObject({ start: 0, end: 1, t: 0.5 });
    expect(binDescription(t, false)).toBe('1 s bins (per-second ticks: this report has no finer samples)');
  });

  it.each<[number, number, number]>([
    [0.6, 0.2, 0.2], [12, 0.2, 0.2], [12.1, 0.2, 1], [60, 0.2, 1], [100, 0.2, 2], [9, 1, 1], [3600, 0.2, 60],
  ])('bin width for %s s at base %s s: %s s', (length, base, width) => {
    expect(binWidth(length, base)).toBe(width);
  });

  it.each<[number, number[]]>([
    [0.7, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]],
    [2.3, [0, 0.5, 1, 1.5, 2, 2.5]],
    [9.4, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    [45, [0, 5, 10, 15, 20, 25, 30, 35, 40, 45]],
  ])('axis ticks up to %s s', (end, ticks) => {
    expect(secondTicks(end)).toEqual(ticks);
  });
});
