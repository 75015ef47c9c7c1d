import { describe, expect, it } from 'vitest';
import { studentTwoSided, summarize, welchTest } from './welch.js';

// Reference values: scipy 1.17.1, stats.ttest_ind(a, b, equal_var=False) and 2 * stats.t.sf(t, df).
const CASES: Array<[string, number[], number[], number, number, number]> = [
  ['Wikipedia example 1',
    [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4],
    [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4],
    -2.455356398286006, 24.988529290231416, 0.021378001462866992],
  ['three trials each (req/s)', [41210.5, 40877.2, 42011.9], [40102.3, 43550.0, 41888.8], -0.457231240372078, 2.451738243046284, 0.6848983644854882],
  ['a clear difference', [100.0, 101.0, 99.5, 100.2], [110.0, 111.5, 109.0], -12.637867630884159, 2.7431864484735646, 0.0016406142109856852],
  ['two values each', [1, 2], [3, 5], -2.23606797749979, 1.4705882352941178, 0.19872738893452602],
  ['very unequal variances', [5.1, 4.9, 5.0, 5.2, 4.8, 5.05], [3, 9, 1, 12], -0.4845714228840509, 3.003111433242929, 0.6611256418154895],
];

describe('welchTest', () => {
  it.each(CASES)('%s matches scipy', (_name, a, b, t, df, p) => {
    const r = welchTest(a, b)!;
    expect(r.t).toBeCloseTo(t, 10);
    expect(r.df).toBeCloseTo(df, 10);
    expect(r.pTwoSided).toBeCloseTo(p, 10);
  });

  it('is symmetric in p and antisymmetric in t', () => {
    const [, a, b] = CASES[0]!;
    const ab = welchTest(a, b)!;
    const ba = welchTest(b, a)!;
    expect(ba.t).toBeCloseTo(-ab.t, 12);
    expect(ba.pTwoSided).toBeCloseTo(ab.pTwoSided, 12);
    expect(ab.difference).toBeCloseTo(-ba.difference, 12);
  });

  it('needs two values per sample', () => {
    expect(welchTest([1], [1, 2])).toBeNull();
    expect(welchTest([1, 2], [])).toBeNull();
  });

  it('handles zero variance in both samples', () => {
    expect(welchTest([3, 3], [3, 3, 3])!.pTwoSided).toBe(1);
    const r = welchTest([3, 3], [4, 4])!;
    expect(r.pTwoSided).toBe(0);
    expect(Number.isFinite(r.t)).toBe(true);
  });
});

describe('studentTwoSided', () => {
  it.each([
    [2.0, 3.0, 0.13932596855884305],
    [0.5, 1.0, 0.7048327646991335],
    [10.0, 2.5, 0.0044414957673074235],
    [1.96, 1000.0, 0.050273184955748736],
    [0, 5, 1],
  ])('t=%d df=%d', (t, df, p) => {
    expect(studentTwoSided(t, df)).toBeCloseTo(p, 11);
    expect(studentTwoSided(-t, df)).toBeCloseTo(p, 11);
  });

  it('rejects df <= 0', () => {
    expect(() => studentTwoSided(1, 0)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('gives mean, sample sd, min and max', () => {
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ n: 8, mean: 5, sd: Math.sqrt(32 / 7), min: 2, max: 9 });
    expect(summarize([7])).toEqual({ n: 1, mean: 7, sd: 0, min: 7, max: 7 });
    expect(summarize([])).toEqual({ n: 0, mean: 0, sd: 0, min: 0, max: 0 });
  });
});
