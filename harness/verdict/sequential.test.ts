import { describe, expect, it } from 'vitest';
import { baselinePart, logEAbove, logEBelow, sequentialDecision, sequentialTrafficFactor, upperBoundPerMillion, type SequentialOptions } from './sequential.js';

const O: SequentialOptions = { alpha: 0.01, minRequests: 2000, minRatePerMillion: 200 };
const c = (requests: number, resets: number) => ({ requests, resets });

describe('logEAbove', () => {
  it.each([
    // [rA, eA, rB, eB, at least, at most]
    [0, 0, 0, 0, -Infinity, 0],
    [0, 30_000, 0, 30_000, -Infinity, 0],
    [10, 10_000, 10, 10_000, -Infinity, 0],
    [5, 10_000, 50, 10_000, -Infinity, 0],
    [78, 28_000, 0, 4000, Math.log(100), Infinity],
    [40, 14_000, 0, 14_000, 20, Infinity],
  ])('E(%i/%i > %i/%i) in range', (rA, eA, rB, eB, lo, hi) => {
    const v = logEAbove(rA, eA, rB, eB);
    expect(v).toBeGreaterThanOrEqual(lo);
    expect(v).toBeLessThanOrEqual(hi);
  });
  it('grows with clean fix traffic against a fixed baseline', () => {
    const xs = [1000, 2000, 4000, 8000].map((e) => logEAbove(40, 14_000, 0, e));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });
  it('rejects invalid counts', () => {
    expect(() => logEAbove(-1, 1, 0, 1)).toThrow(RangeError);
    expect(() => logEAbove(1.5, 1, 0, 1)).toThrow(RangeError);
    expect(() => logEAbove(1, Number.NaN, 0, 1)).toThrow(RangeError);
  });
});

describe('logEBelow and the upper bound', () => {
  it('with no resets, clean at rate r after at most ln(2/alpha)/r requests', () => {
    expect(logEBelow(0, 20_000, 200e-6)).toBeLessThan(Math.log(100));
    expect(logEBelow(0, 27_000, 200e-6)).toBeGreaterThanOrEqual(Math.log(100));
  });
  it('is increasing in the rate tested', () => {
    const xs = [1e-5, 1e-4, 1e-3].map((r) => logEBelow(3, 50_000, r));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });
  it.each([
    [0, 0, 1e6, 1e6],
    [0, 30_000, 150, 200],
    [28, 7989, 3505, 10_000],
  ])('upper bound for %i resets in %i requests is in [%f, %f] per million', (r, e, lo, hi) => {
    const u = upperBoundPerMillion(r, e, 0.01);
    expect(u).toBeGreaterThanOrEqual(lo);
    expect(u).toBeLessThanOrEqual(hi);
  });
});

describe('stopping rules', () => {
  it.each([
    ['too little baseline traffic', c(1500, 20), c(0, 0), null],
    ['a clean baseline', c(30_000, 0), c(0, 0), 'clean'],
    ['many resets: positive', c(7000, 20), c(0, 0), 'positive'],
    ['a few resets: not yet', c(7000, 3), c(0, 0), null],
    ['resets in both: positive', c(7000, 1), c(3000, 2), 'positive'],
  ] as const)('baseline part: %s', (_n, b, f, want) => {
    expect(baselinePart(b, f, O)).toBe(want);
  });
  it.each([
    ['over-window after a few thousand clean fix requests', c(3077, 13), c(4932, 0), 'reproduced'],
    ['fix arm too short', c(3077, 13), c(1500, 0), null],
    ['resets remain in the fix arm', c(30_000, 14), c(30_000, 20), 'not-fixed'],
    ['resets only and significantly with the fix arm', c(30_000, 0), c(30_000, 40), 'not-fixed'],
    ['a clean control', c(30_000, 0), c(30_000, 0), 'not-reproduced'],
    ['a control not yet long enough', c(20_000, 0), c(20_000, 0), null],
    ['one stray fix reset: not yet', c(30_000, 0), c(10_000, 1), null],
  ] as const)('run decision: %s', (_n, b, f, want) => {
    expect(sequentialDecision(b, f, O)).toBe(want);
  });
});

describe('sequentialTrafficFactor', () => {
  it.each([
    [40, 14_000, 0, 14_000, 1],
    [3, 10_000, 0, 10_000, 'some'],
    [0, 10_000, 0, 10_000, null],
    [3, 10_000, 5, 10_000, null],
  ] as const)('%i/%i vs %i/%i -> %s', (r0, e0, r1, e1, want) => {
    const k = sequentialTrafficFactor(r0, e0, r1, e1, 0.01);
    if (want === 'some') {
      expect(k).toBeGreaterThan(1);
      expect(logEAbove(r0 * k!, e0 * k!, r1 * k!, e1 * k!)).toBeGreaterThanOrEqual(Math.log(100));
    } else expect(k).toBe(want);
  });
});
