/**
 * Which differences between masks are significant: every mask against the baseline (first)
 * mask with the same liberal value. requests/s and bytes/s: Welch's t-test on the per-trial
 * values; reset rate: the exact conditional test of two Poisson rates on the pooled counts
 * (requests as exposure). Two-sided, alpha 0.05 per comparison, not corrected for multiple
 * comparisons (said in the output). Each result comes with a plain sentence. Only clean trials
 * count: a disturbed trial (its load agent killed, no result, ...) is left out, and the
 * sentence says how many were. Pure.
 */
import { exactRateTest, formatP, formatRate } from '../../verdict/index.js';
import type { RpsBenchArm, RpsComparison } from './doc.js';
import { welchTest } from '../welch.js';

/** Significance level of every comparison. */
export const BENCH_ALPHA = 0.05;

function trialsText(na: number, nb: number): string {
  return na === nb ? `${na} trial${na === 1 ? '' : 's'} each` : `${na} and ${nb} trials`;
}

/** The trials that count: those with nothing in `disturbed`. */
export function cleanTrials<T extends { disturbed: readonly string[] }>(arm: { trials: readonly T[] }): T[] {
  return arm.trials.filter((t) => t.disturbed.length === 0);
}

/** "; 1 disturbed trial of mask 3 excluded" (empty when none was). */
export function excludedText(a: RpsBenchArm, b: RpsBenchArm): string {
  const parts = [a, b]
    .map((arm) => ({ mask: arm.mask, n: arm.trials.length - cleanTrials(arm).length }))
    .filter((x) => x.n > 0)
    .map((x) => `${x.n} disturbed trial${x.n === 1 ? '' : 's'} of mask ${x.mask}`);
  return parts.length ? `; ${parts.join(' and ')} excluded` : '';
}

function percent(base: number, other: number): number | null {
  return base === 0 ? null : ((other - base) / base) * 100;
}

/** Welch comparison of one per-trial metric; `pick` reads it from a trial. */
export function compareMetric(
  metric: 'requests/s' | 'bytes/s',
  a: RpsBenchArm,
  b: RpsBenchArm,
  pick: (t: RpsBenchArm['trials'][number]) => number,
): Omit<RpsComparison, 'liberal'> {
  const xa = cleanTrials(a).map(pick);
  const xb = cleanTrials(b).map(pick);
  const base = { metric, baseline: a.name, candidate: b.name, test: "Welch's t-test (two-sided) on per-trial values" };
  const meanA = xa.reduce((s, x) => s + x, 0) / Math.max(1, xa.length);
  const meanB = xb.reduce((s, x) => s + x, 0) / Math.max(1, xb.length);
  const changePercent = percent(meanA, meanB);
  const r = welchTest(xa, xb);
  const between = `mask ${a.mask} and ${b.mask}`;
  if (!r) {
    const sentence = `cannot test ${metric} between ${between}: Welch's t-test needs at least 2 trials per mask (${trialsText(xa.length, xb.length)}${excludedText(a, b)})`;
    return { ...base, pValue: null, significant: null, changePercent, sentence };
  }
  const significant = r.pTwoSided < BENCH_ALPHA;
  const stats = `p=${formatP(r.pTwoSided)}, ${trialsText(xa.length, xb.length)}${excludedText(a, b)}`;
  const change = changePercent === null ? '' : `${changePercent >= 0 ? '+' : ''}${changePercent.toFixed(1)}%, `;
  const sentence = significant
    ? `${metric} with mask ${b.mask} is significantly ${meanB > meanA ? 'higher' : 'lower'} than with mask ${a.mask} (${change}${stats})`
    : `no significant difference in ${metric} between ${between} (${change}${stats})`;
  return { ...base, pValue: r.pTwoSided, significant, changePercent, sentence };
}

/** Exact Poisson rate comparison of pooled resets per request (the arms' counts, pooled over clean trials by summary.ts). */
export function compareResets(a: RpsBenchArm, b: RpsBenchArm): Omit<RpsComparison, 'liberal'> {
  const base = { metric: 'reset rate' as const, baseline: a.name, candidate: b.name, test: 'exact conditional test of two Poisson rates (two-sided), requests as exposure' };
  const changePercent = percent(a.resetRate.perMillion, b.resetRate.perMillion);
  const excluded = excludedText(a, b);
  const empty = [a, b].filter((x) => x.requests === 0).map((x) => x.mask);
  if (empty.length > 0) {
    const sentence = `cannot test reset rate between mask ${a.mask} and ${b.mask}: no requests in the clean trials of mask ${empty.join(' and ')}${excluded ? ` (${excluded.slice(2)})` : ''}`;
    return { ...base, pValue: null, significant: null, changePercent, sentence };
  }
  if (a.resets + b.resets === 0) {
    const sentence = `no resets with mask ${a.mask} or ${b.mask} (${a.requests + b.requests} requests${excluded}): no difference in reset rate to test`;
    return { ...base, pValue: 1, significant: false, changePercent, sentence };
  }
  const p = exactRateTest(a.resets, a.requests, b.resets, b.requests).pTwoSided;
  const significant = p < BENCH_ALPHA;
  const rates = `${formatRate(a.resetRate.perMillion)} vs ${formatRate(b.resetRate.perMillion)} per million, p=${formatP(p)}${excluded}`;
  const sentence = significant
    ? `reset rate with mask ${b.mask} is significantly ${b.resetRate.perMillion > a.resetRate.perMillion ? 'higher' : 'lower'} than with mask ${a.mask} (${rates})`
    : `no significant difference in reset rate between mask ${a.mask} and ${b.mask} (${rates})`;
  return { ...base, pValue: p, significant, changePercent, sentence };
}

/**
 * Compares every arm with the first arm of the same liberal value (arms keep their order).
 * Sentences get a `liberal=N: ` prefix when the run has more than one liberal value.
 */
export function compareArms(arms: RpsBenchArm[]): RpsComparison[] {
  const groups = new Map<number | null, RpsBenchArm[]>();
  for (const a of arms) groups.set(a.liberal, [...(groups.get(a.liberal) ?? []), a]);
  const prefix = (l: number | null) => (groups.size > 1 ? `liberal=${l}: ` : '');
  const out: RpsComparison[] = [];
  for (const [liberal, group] of groups) {
    const [baseline, ...others] = group;
    for (const other of others) {
      for (const c of [
        compareMetric('requests/s', baseline!, other, (t) => t.requestsPerSec),
        compareMetric('bytes/s', baseline!, other, (t) => t.bytesPerSec),
        compareResets(baseline!, other),
      ]) {
        out.push({ ...c, liberal, sentence: prefix(liberal) + c.sentence });
      }
    }
  }
  return out;
}
