/**
 * Statistics for reset counts: Poisson rates with exact intervals, and the exact conditional
 * test comparing two Poisson rates. Pure functions; they throw `RangeError` on invalid input
 * (negative or non-integer counts, negative or non-finite exposures, level/alpha outside (0, 1)).
 */
import { binomLogPmf, binomLower, binomMode, binomUpper, gammaQuantile, type Binomial } from './special.js';

/** A rate per million units of exposure with its confidence interval (same units). */
export interface RateInterval {
  perMillion: number;
  low: number;
  high: number;
}

/** One- and two-sided p-values of the exact conditional test of two Poisson rates. */
export interface RateTest {
  /** P(X >= r0): evidence that rate 0 > rate 1. */
  pGreater: number;
  /** P(X <= r0): evidence that rate 0 < rate 1. */
  pLess: number;
  /** Sum of P(X = x) over all x no more likely than r0 (relative tolerance 1e-7), capped at 1. */
  pTwoSided: number;
}

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
}
function checkExposure(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${v}`);
}
function checkProbability(name: string, v: number): void {
  if (!(v > 0 && v < 1)) throw new RangeError(`${name} must be in (0, 1), got ${v}`);
}

/**
 * The rate `count / exposure * 1e6` (e.g. resets per million requests) with the exact Garwood
 * interval at `level` (default 0.95): low = chi2inv(a/2, 2k)/2, high = chi2inv(1-a/2, 2k+2)/2,
 * both scaled by 1e6 / exposure, with a = 1 - level and low = 0 when k = 0.
 *
 * Zero exposure carries no information: it returns `{ perMillion: 0, low: 0, high: 1e6 }`
 * (1e6 per million = one event per unit), a finite stand-in for "unbounded", because the
 * report schema (zod 4 `z.number()`) and JSON reject Infinity and NaN.
 */
export function poissonInterval(count: number, exposure: number, level = 0.95): RateInterval {
  checkCount('count', count);
  checkExposure('exposure', exposure);
  checkProbability('level', level);
  if (exposure === 0) return { perMillion: 0, low: 0, high: 1e6 };
  const a = 1 - level;
  const scale = 1e6 / exposure;
  const low = count === 0 ? 0 : gammaQuantile(a / 2, count) * scale;
  const high = gammaQuantile(1 - a / 2, count + 1) * scale;
  return { perMillion: count * scale, low, high };
}

/**
 * Exact conditional test of two Poisson rates r0/e0 and r1/e1 (counts r, exposures e).
 * Given n = r0 + r1, under H0 (equal rates) r0 ~ Binomial(n, e0 / (e0 + e1)).
 * `pGreater` = P(X >= r0) tests H1: rate0 > rate1; `pLess` = P(X <= r0) tests rate0 < rate1;
 * `pTwoSided` uses the "minimum likelihood" method of R's binom.test/poisson.test (sum of the
 * probabilities of outcomes no more likely than r0, tolerance 1 + 1e-7), capped at 1.
 * Log-space throughout, stable for n up to ~1e9 and exposures of any finite size.
 * When n = 0, or either exposure is 0, there is nothing to test: all three p-values are 1.
 */
export function exactRateTest(r0: number, e0: number, r1: number, e1: number): RateTest {
  checkCount('r0', r0);
  checkCount('r1', r1);
  checkExposure('e0', e0);
  checkExposure('e1', e1);
  const n = r0 + r1;
  if (n === 0 || e0 === 0 || e1 === 0) return { pGreater: 1, pLess: 1, pTwoSided: 1 };
  const logTotal = Math.log(e0 + e1);
  const b: Binomial = { n, logP: Math.log(e0) - logTotal, logQ: Math.log(e1) - logTotal };
  const pGreater = binomUpper(b, r0);
  const pLess = binomLower(b, r0);
  return { pGreater, pLess, pTwoSided: twoSided(b, r0) };
}

/** Two-sided p-value by minimum likelihood (as R's binom.test), with a binary search per side. */
function twoSided(b: Binomial, x: number): number {
  const mean = b.n * Math.exp(b.logP);
  if (x === mean) return 1;
  const limit = binomLogPmf(b, x) + Math.log1p(1e-7);
  const mode = binomMode(b);
  if (x < mean) {
    // First j >= max(ceil(mean), mode) with pmf(j) <= pmf(x); the pmf falls on that range.
    let lo = Math.max(Math.ceil(mean), mode);
    let hi = b.n + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (binomLogPmf(b, mid) <= limit) hi = mid;
      else lo = mid + 1;
    }
    return Math.min(1, binomLower(b, x) + binomUpper(b, lo));
  }
  // Last j <= min(floor(mean), mode) with pmf(j) <= pmf(x); the pmf rises on that range.
  let lo = -1;
  let hi = Math.min(Math.floor(mean), mode);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (binomLogPmf(b, mid) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return Math.min(1, binomLower(b, lo) + binomUpper(b, x));
}

/**
 * The smallest integer k in 1..max for which `decides(k)` holds, assuming it is monotone in k
 * (true up to discreteness for the rate tests); null when even `max` does not decide. Found by
 * doubling, then bisection.
 */
export function smallestDecidingFactor(decides: (k: number) => boolean, max = 1000): number | null {
  if (decides(1)) return 1;
  let lo = 1; // does not decide
  let hi = 2;
  while (hi < max && !decides(hi)) {
    lo = hi;
    hi = Math.min(max, hi * 2);
  }
  if (!decides(hi)) return null;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (decides(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * A rough factor k (integer, 1..1000) such that scaling both counts and both exposures by k
 * would make `exactRateTest(...).pGreater < alpha`, i.e. "about k times more traffic at the same
 * rates would decide". Returns 1 if the data already decide, and null if k > 1000 would be
 * needed or the baseline rate is not above the other rate.
 */
export function trafficFactorToDecide(r0: number, e0: number, r1: number, e1: number, alpha: number): number | null {
  checkProbability('alpha', alpha);
  const decides = (k: number): boolean => exactRateTest(r0 * k, e0 * k, r1 * k, e1 * k).pGreater < alpha;
  if (decides(1)) return 1;
  if (r0 === 0 || e0 === 0 || e1 === 0 || r0 * e1 <= r1 * e0) return null;
  return smallestDecidingFactor(decides);
}
