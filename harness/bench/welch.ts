/**
 * Welch's unequal-variances t-test and the sample summaries the benchmarks report. Pure; the
 * Student t tail comes from the regularized incomplete beta function (continued fraction,
 * Numerical Recipes' betacf with modified Lentz), accurate to ~1e-12 for the sizes used here.
 */
import { lgamma } from '../verdict/special.js';

/** Mean, sample standard deviation (n - 1), minimum and maximum of a sample. */
export interface SampleSummary {
  n: number;
  mean: number;
  sd: number;
  min: number;
  max: number;
}

/** Summarises `xs` (sd is 0 for fewer than two values; everything 0 for none). */
export function summarize(xs: readonly number[]): SampleSummary {
  const n = xs.length;
  if (n === 0) return { n, mean: 0, sd: 0, min: 0, max: 0 };
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const ss = xs.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { n, mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, min: Math.min(...xs), max: Math.max(...xs) };
}

/** Result of `welchTest`: the statistic, Welch-Satterthwaite degrees of freedom and the two-sided p-value. */
export interface WelchResult {
  t: number;
  df: number;
  pTwoSided: number;
  /** Mean of b minus mean of a. */
  difference: number;
}

/**
 * Welch's t-test of "mean(a) = mean(b)" (two-sided), as scipy's `ttest_ind(a, b, equal_var=False)`
 * with t = (mean(a) - mean(b)) / sqrt(va/na + vb/nb). Returns null when either sample has fewer
 * than two values (no variance to estimate). When both variances are 0 the test is degenerate:
 * p = 1 if the means are equal, else p = 0 (t = ±Infinity is reported as ±1e308 for JSON).
 */
export function welchTest(a: readonly number[], b: readonly number[]): WelchResult | null {
  if (a.length < 2 || b.length < 2) return null;
  const sa = summarize(a);
  const sb = summarize(b);
  const qa = sa.sd ** 2 / sa.n;
  const qb = sb.sd ** 2 / sb.n;
  const difference = sb.mean - sa.mean;
  const se2 = qa + qb;
  if (se2 === 0) {
    const equal = sa.mean === sb.mean;
    return { t: equal ? 0 : Math.sign(-difference) * 1e308, df: sa.n + sb.n - 2, pTwoSided: equal ? 1 : 0, difference };
  }
  const t = (sa.mean - sb.mean) / Math.sqrt(se2);
  const df = se2 ** 2 / (qa ** 2 / (sa.n - 1) + qb ** 2 / (sb.n - 1));
  return { t, df, pTwoSided: studentTwoSided(t, df), difference };
}

/** P(|T| >= |t|) for Student's t with `df` degrees of freedom: I_{df/(df+t^2)}(df/2, 1/2). */
export function studentTwoSided(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`df must be > 0, got ${df}`);
  if (!Number.isFinite(t)) return 0;
  return Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/** Regularized incomplete beta I_x(a, b) for a, b > 0 and x in [0, 1]. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    for (const aa of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + aa * d;
      if (Math.abs(d) < TINY) d = TINY;
      c = 1 + aa / c;
      if (Math.abs(c) < TINY) c = TINY;
      d = 1 / d;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}
