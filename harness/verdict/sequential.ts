/**
 * Sequential (anytime-valid) statistics for the verdict: e-values that may be checked after
 * every new count and acted on at any moment, and the stopping rules built on them. Pure.
 *
 * Method: universal inference (Wasserman, Ramdas & Balakrishnan, "Universal inference", PNAS
 * 2020, sequential form; see also Ramdas et al., "Game-theoretic statistics and safe
 * anytime-valid inference", Stat. Sci. 2023). Reset counts are Poisson in the requests served
 * (the exposure). For "rate A > rate B" the e-value is
 *
 *   E = m_A(r_A, e_A) * m_B(r_B, e_B) / sup_{λA <= λB} L(λA; r_A, e_A) L(λB; r_B, e_B)
 *
 * where m are mixtures of Poisson likelihoods over a fine log grid of rates (B's mixture also
 * puts half its weight on rate 0). Under any null rates the numerator over their likelihood is
 * a nonnegative martingale with mean 1, and the denominator is at least that likelihood, so by
 * Ville's inequality P(E ever reaches 1/alpha) <= alpha: checking after every count is valid.
 * For "rate < λmin" (an arm is clean) the e-value is a mixture of likelihood ratios
 * L(c λmin) / L(λmin), c in {0, 1/8, 1/4, 1/2}, a supermartingale for every rate >= λmin.
 */
import { smallestDecidingFactor } from './stats.js';

/** The test named in the verdict of a sequential run. */
export const SEQUENTIAL_TEST =
  'sequential mixture likelihood ratio (universal inference e-value, Wasserman, Ramdas & Balakrishnan 2020) ' +
  'on the two arms\' Poisson reset counts (requests as exposure), one-sided, valid under continuous monitoring (Ville\'s inequality)';

/** Defaults of the sequential rule. `minRatePerMillion`: below this reset rate an arm counts as clean. */
export const SEQUENTIAL_DEFAULTS = { minRatePerMillion: 200 } as const;

/** Counts of one arm so far: requests served (exposure) and connections reset by peer. */
export interface ArmCount {
  requests: number;
  resets: number;
  /**
   * Requests the arm would serve by its maximum duration at its throughput so far. When set,
   * the arm's clean threshold rises to the rate the baseline would need to be decided within
   * that many requests, if that is above minRatePerMillion (see `cleanThreshold`).
   */
  maxRequests?: number;
}

/** Options of the sequential rule. */
export interface SequentialOptions {
  /** Error level of every decision (the scenario's alpha). */
  alpha: number;
  /** An arm never stops, nor is decided, with fewer requests than this. */
  minRequests: number;
  /** An arm is clean when its rate is shown below this many resets per million requests. */
  minRatePerMillion: number;
}

/** Rates per request on which the mixtures are built: 1e-7 .. 1, eight points per decade. */
const GRID = Array.from({ length: 57 }, (_, k) => 10 ** (-7 + k / 8));
const LOG_GRID_WEIGHT = -Math.log(GRID.length);
const CLEAN_ALTERNATIVES: ReadonlyArray<readonly [c: number, weight: number]> = [
  [0, 1 / 2],
  [1 / 8, 1 / 6],
  [1 / 4, 1 / 6],
  [1 / 2, 1 / 6],
];

function logLik(lambda: number, r: number, e: number): number {
  if (lambda === 0) return r === 0 ? 0 : -Infinity;
  return r * Math.log(lambda) - lambda * e;
}

function logSumExp(xs: number[]): number {
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
}

/** ln of the mixture likelihood over GRID, with `zeroWeight` of the mass on rate 0. */
function logMixture(r: number, e: number, zeroWeight: number): number {
  const grid = logSumExp(GRID.map((l) => LOG_GRID_WEIGHT + logLik(l, r, e)));
  if (zeroWeight === 0) return grid;
  return logSumExp([Math.log(zeroWeight) + logLik(0, r, e), Math.log(1 - zeroWeight) + grid]);
}

/** ln of the maximum Poisson likelihood (at λ = r / e). */
function logMaxLik(r: number, e: number): number {
  return r === 0 || e === 0 ? 0 : r * Math.log(r / e) - r;
}

function check(r: number, e: number): void {
  if (!Number.isInteger(r) || r < 0) throw new RangeError(`count must be a non-negative integer, got ${r}`);
  if (!Number.isFinite(e) || e < 0) throw new RangeError(`exposure must be a finite number >= 0, got ${e}`);
}

/**
 * ln of the universal-inference e-value that arm A's reset rate exceeds arm B's
 * (r = resets, e = requests). Anytime valid under H0: rate A <= rate B (see module doc).
 * Throws RangeError on negative or non-integer counts or invalid exposures.
 */
export function logEAbove(rA: number, eA: number, rB: number, eB: number): number {
  check(rA, eA);
  check(rB, eB);
  const numerator = logMixture(rA, eA, 0) + logMixture(rB, eB, 0.5);
  // sup over λA <= λB: the unconstrained maximum when it lies in the null, else the pooled rate.
  const denominator = rA * eB <= rB * eA ? logMaxLik(rA, eA) + logMaxLik(rB, eB) : logMaxLik(rA + rB, eA + eB);
  return numerator - denominator;
}

/**
 * ln of the e-value that an arm's reset rate is below `ratePerRequest` (r resets in e requests).
 * Anytime valid under H0: rate >= ratePerRequest. Increasing in `ratePerRequest`.
 */
export function logEBelow(r: number, e: number, ratePerRequest: number): number {
  check(r, e);
  return logSumExp(CLEAN_ALTERNATIVES.map(([c, w]) => Math.log(w) + logLik(c * ratePerRequest, r, e) - logLik(ratePerRequest, r, e)));
}

/**
 * The anytime-valid upper confidence bound (level 1 - alpha) on an arm's rate, per million
 * requests: the smallest rate that `logEBelow` rejects. 1e6 (one per request) when nothing
 * below that is rejected, e.g. with no requests.
 */
export function upperBoundPerMillion(r: number, e: number, alpha: number): number {
  const threshold = Math.log(1 / alpha);
  if (logEBelow(r, e, 1) < threshold) return 1e6;
  let lo = 1e-12;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = Math.sqrt(lo * hi);
    if (logEBelow(r, e, mid) >= threshold) hi = mid;
    else lo = mid;
  }
  return hi * 1e6;
}

const kCache = new Map<number, number>();

/**
 * The resets a baseline of `requests` requests needs for "baseline > a fix arm with as many
 * requests and none" to be decided at alpha (the smallest such k, at most 1000).
 */
export function resetsToDecide(requests: number, alpha: number): number {
  const key = Math.round(Math.log2(Math.max(requests, 1)) * 16) * 1000 + Math.round(alpha * 1e4);
  const hit = kCache.get(key);
  if (hit !== undefined) return hit;
  const threshold = Math.log(1 / alpha);
  let k = 1;
  while (k < 1000 && logEAbove(k, requests, 0, requests) < threshold) k += 1;
  kCache.set(key, k);
  return k;
}

/**
 * The rate (per request) below which an arm counts as clean: minRatePerMillion, or, when the
 * arm's `maxRequests` is known and so small that a baseline at that rate could not be decided
 * within it anyway, the rate the baseline would need: resetsToDecide(maxRequests) / maxRequests.
 * Comparing the anytime-valid upper bound (a confidence sequence) with a threshold that moves
 * with the throughput keeps the error at alpha.
 */
export function cleanThreshold(c: ArmCount, o: SequentialOptions): number {
  const floor = o.minRatePerMillion / 1e6;
  if (!c.maxRequests || !(c.maxRequests > 0)) return floor;
  return Math.max(floor, resetsToDecide(c.maxRequests, o.alpha) / c.maxRequests);
}

const isClean = (c: ArmCount, o: SequentialOptions) => logEBelow(c.resets, c.requests, cleanThreshold(c, o)) >= Math.log(1 / o.alpha);

/** What a sequential run has shown, for the verdict and the report. */
export interface SequentialEvidence {
  /** e-value that the baseline rate exceeds the fix rate (capped at 1e300). */
  eBaselineAbove: number;
  /** e-value that the fix rate exceeds the baseline rate. */
  eFixAbove: number;
  /** e-values that each arm's rate is below minRatePerMillion. */
  eBaselineClean: number;
  eFixClean: number;
  /** The clean thresholds used, per million requests (`cleanThreshold`). */
  baselineCleanBelowPerMillion: number;
  fixCleanBelowPerMillion: number;
  /** Anytime-valid upper bounds at 1 - alpha, per million requests. */
  baselineUpperPerMillion: number;
  fixUpperPerMillion: number;
}

const capped = (logE: number) => Math.min(1e300, Math.exp(logE));

/** The e-values and bounds for the arms' counts so far. */
export function sequentialEvidence(b: ArmCount, f: ArmCount, o: SequentialOptions): SequentialEvidence {
  const bMin = cleanThreshold(b, o);
  const fMin = cleanThreshold(f, o);
  return {
    eBaselineAbove: capped(logEAbove(b.resets, b.requests, f.resets, f.requests)),
    eFixAbove: capped(logEAbove(f.resets, f.requests, b.resets, b.requests)),
    eBaselineClean: capped(logEBelow(b.resets, b.requests, bMin)),
    eFixClean: capped(logEBelow(f.resets, f.requests, fMin)),
    baselineCleanBelowPerMillion: bMin * 1e6,
    fixCleanBelowPerMillion: fMin * 1e6,
    baselineUpperPerMillion: upperBoundPerMillion(b.resets, b.requests, o.alpha),
    fixUpperPerMillion: upperBoundPerMillion(f.resets, f.requests, o.alpha),
  };
}

/** What the baseline arm alone has settled: resets enough to decide against a clean fix arm, or clean. */
export type BaselinePart = 'positive' | 'clean' | null;

/**
 * The baseline arm's part of the decision, settled once it has `minRequests` and either
 * - `clean`: its rate is shown below its clean threshold (`cleanThreshold`); or
 * - `positive`: it has resets, and the fix arm already has resets (the outcome is then
 *   not-fixed whatever follows), or a fix arm with as many requests as the baseline and no
 *   reset would make "baseline > fix" significant.
 */
export function baselinePart(b: ArmCount, f: ArmCount, o: SequentialOptions): BaselinePart {
  if (b.requests < o.minRequests) return null;
  const threshold = Math.log(1 / o.alpha);
  if (isClean(b, o)) return 'clean';
  if (b.resets > 0 && f.resets > 0) return 'positive';
  if (logEAbove(b.resets, b.requests, f.resets, Math.max(f.requests, b.requests)) >= threshold) return 'positive';
  return null;
}

/** A decided outcome of the reset counts (the kernel evidence chain is checked afterwards). */
export type SequentialDecision = 'reproduced' | 'not-fixed' | 'not-reproduced';

/**
 * The decision the counts support so far, or null to go on. Both arms need `minRequests`.
 * First match wins:
 * - `reproduced`: no reset with the fix arm and E(baseline > fix) >= 1/alpha;
 * - `not-fixed`: resets with both arms (more traffic cannot change that outcome), or none with
 *   the baseline and E(fix > baseline) >= 1/alpha;
 * - `not-reproduced`: both arms' rates shown below their clean thresholds.
 */
export function sequentialDecision(b: ArmCount, f: ArmCount, o: SequentialOptions): SequentialDecision | null {
  if (b.requests < o.minRequests || f.requests < o.minRequests) return null;
  const threshold = Math.log(1 / o.alpha);
  if (f.resets === 0 && logEAbove(b.resets, b.requests, f.resets, f.requests) >= threshold) return 'reproduced';
  if (b.resets > 0 && f.resets > 0) return 'not-fixed';
  if (b.resets === 0 && logEAbove(f.resets, f.requests, b.resets, b.requests) >= threshold) return 'not-fixed';
  if (isClean(b, o) && isClean(f, o)) return 'not-reproduced';
  return null;
}

/**
 * A rough factor k (integer, 1..1000) such that k times the traffic at the same rates (both
 * counts and both exposures scaled) would make E(baseline > fix) reach 1/alpha; 1 if it already
 * does; null if more than 1000 would be needed or the baseline rate is not above the fix rate.
 */
export function sequentialTrafficFactor(r0: number, e0: number, r1: number, e1: number, alpha: number): number | null {
  const threshold = Math.log(1 / alpha);
  const decides = (k: number) => logEAbove(r0 * k, e0 * k, r1 * k, e1 * k) >= threshold;
  if (decides(1)) return 1;
  if (r0 === 0 || e0 === 0 || e1 === 0 || r0 * e1 <= r1 * e0) return null;
  return smallestDecidingFactor(decides);
}
