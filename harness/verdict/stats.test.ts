import { describe, expect, it } from 'vitest';
import { exactRateTest, poissonInterval, trafficFactorToDecide } from './stats.js';
import { gammaP, gammaQuantile, lgamma } from './special.js';

/** Expects `actual` within a relative tolerance of `expected` (absolute for expected = 0). */
function close(actual: number, expected: number, rel = 1e-6): void {
  const tol = expected === 0 ? rel : Math.abs(expected) * rel;
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

// Reference values from scipy 1.17 (gammaln, chi2.ppf, binom.sf/cdf, binomtest).
describe('lgamma', () => {
  it.each([
    [1, 0],
    [2, 0],
    [0.5, 0.5723649429247],
    [3.7, 1.428072326665388],
    [11, 15.104412573075516],
    [1e6 + 1, 12815518.384658169],
    [1e9 + 1, 19723265848.226982],
  ])('lgamma(%d) = %d', (x, want) => close(lgamma(x), want, 1e-12));
});

describe('gammaP / gammaQuantile', () => {
  it.each([
    [0.975, 1, 3.6888794541139354],
    [0.025, 10, 4.7953886961324335],
    [0.975, 11, 18.39035604201778],
    [0.025, 1e6, 998040.9833402939],
    [0.975, 1e6 + 1, 1001961.9119454322],
  ])('quantile(%d, shape %d) = %d and inverts gammaP', (p, a, want) => {
    const x = gammaQuantile(p, a);
    close(x, want, 1e-9);
    close(gammaP(a, x), p, 1e-8); // ln-space prefix loses ~1e-9 at shape 1e6
  });
});

describe('poissonInterval', () => {
  it.each([
    // count, exposure, level, perMillion, low, high
    [0, 1e6, 0.95, 0, 0, 3.6888794541139354],
    [0, 100_000, 0.95, 0, 0, 36.888794541139354],
    [1, 1e6, 0.95, 1, 0.025317807984289876, 5.571643390938898],
    [10, 1e6, 0.95, 10, 4.7953886961324335, 18.39035604201778],
    [332, 1e6, 0.95, 332, 297.2441361345797, 369.7035168981049],
    [5, 1e6, 0.9, 5, 1.9701495680595302, 10.513034908741535],
    [1_000_000, 1e12, 0.95, 1, 0.9980409833402939, 1.0019619119454322],
  ])('count %d exposure %d level %d', (count, exposure, level, perMillion, low, high) => {
    const r = poissonInterval(count, exposure, level);
    close(r.perMillion, perMillion, 1e-12);
    close(r.low, low, 1e-8);
    close(r.high, high, 1e-8);
  });

  it('returns finite values for zero exposure', () => {
    expect(poissonInterval(0, 0)).toEqual({ perMillion: 0, low: 0, high: 1e6 });
    expect(poissonInterval(3, 0)).toEqual({ perMillion: 0, low: 0, high: 1e6 });
  });

  it.each([
    [-1, 10, 0.95],
    [1.5, 10, 0.95],
    [1, -1, 0.95],
    [1, Infinity, 0.95],
    [1, 10, 1],
  ])('rejects count %d exposure %d level %d', (c, e, l) => {
    expect(() => poissonInterval(c, e, l)).toThrow(RangeError);
  });
});

describe('exactRateTest', () => {
  it.each([
    // r0, e0, r1, e1, pGreater, pLess, pTwoSided
    [10, 1, 0, 1, 0.5 ** 10, 1, 0.001953125],
    [332, 100_000, 0, 150_000, 7.654505172902239e-133, 1, 7.654505172902239e-133],
    [71, 100_000, 128, 100_000, 0.9999826174483949, 3.234718318705681e-5, 6.469436637411362e-5],
    [2, 100_000, 0, 100_000, 0.25, 1, 0.5],
    [5, 1000, 5, 1000, 0.623046875, 0.623046875, 1],
    [3, 1000, 7, 2000, 0.7008586089518871, 0.5592643397856015, 1],
    [7, 2000, 3, 1000, 0.5592643397856016, 0.7008586089518875, 1],
    [0, 100, 5, 100, 1, 0.03125, 0.0625],
    [4, 1e7, 1, 3e7, 0.015625, 0.9990234375, 0.015625],
    [100, 1e7, 50, 1e7, 2.723766551696271e-5, 0.9999868654652939, 5.447533103392542e-5],
    [500_000, 1e7, 500_000, 1e7, 0.5003989421806654, 0.5003989421806654, 1],
    [500_500, 1e7, 499_500, 1e7, 0.15889734568166486, 0.8415865958480527, 0.3177946913633297],
    [510_000, 1e7, 490_000, 1e7, 2.772181643854259e-89, 1, 5.544363287708518e-89],
  ])('r0 %d / %d vs r1 %d / %d', (r0, e0, r1, e1, greater, less, two) => {
    const t = exactRateTest(r0, e0, r1, e1);
    close(t.pGreater, greater, 1e-6);
    close(t.pLess, less, 1e-6);
    close(t.pTwoSided, two, 1e-6);
  });

  it('is symmetric: swapping the arms swaps pGreater and pLess', () => {
    const a = exactRateTest(17, 30_000, 9, 25_000);
    const b = exactRateTest(9, 25_000, 17, 30_000);
    close(a.pGreater, b.pLess, 1e-12);
    close(a.pLess, b.pGreater, 1e-12);
    close(a.pTwoSided, b.pTwoSided, 1e-12);
  });

  it('returns 1 when there is nothing to test', () => {
    expect(exactRateTest(0, 1000, 0, 1000)).toEqual({ pGreater: 1, pLess: 1, pTwoSided: 1 });
    expect(exactRateTest(3, 0, 0, 1000)).toEqual({ pGreater: 1, pLess: 1, pTwoSided: 1 });
  });

  it('rejects invalid counts', () => {
    expect(() => exactRateTest(-1, 10, 0, 10)).toThrow(RangeError);
    expect(() => exactRateTest(1, 10, 0.5, 10)).toThrow(RangeError);
  });
});

describe('trafficFactorToDecide', () => {
  it.each([
    // 2 vs 0 at equal exposure: p = 0.5^(2k) < 0.01 first at k = 4.
    [2, 100_000, 0, 100_000, 0.01, 4],
    [1, 100_000, 0, 100_000, 0.01, 7],
    [10, 1, 0, 1, 0.01, 1],
    [332, 100_000, 0, 150_000, 0.01, 1],
    [0, 100_000, 0, 100_000, 0.01, null],
    [5, 100_000, 5, 100_000, 0.01, null],
    [3, 100_000, 5, 100_000, 0.01, null],
    [1001, 1e7, 1000, 1e7, 0.01, null],
  ])('r0 %d / %d vs r1 %d / %d at alpha %d -> %s', (r0, e0, r1, e1, alpha, want) => {
    expect(trafficFactorToDecide(r0, e0, r1, e1, alpha)).toBe(want);
  });

  it('returns a factor that decides while one less does not', () => {
    const k = trafficFactorToDecide(12, 100_000, 4, 100_000, 0.01);
    expect(k).not.toBeNull();
    const p = (f: number): number => exactRateTest(12 * f, 1e5 * f, 4 * f, 1e5 * f).pGreater;
    expect(p(k!)).toBeLessThan(0.01);
    expect(p(k! - 1)).toBeGreaterThanOrEqual(0.01);
  });
});
