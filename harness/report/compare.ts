/**
 * Baseline (A) vs candidate (B): what differs between the two runs' fingerprints, the reset
 * rates of arms with the same name side by side with a test of the two rates, the verdict
 * change, and whether the candidate is worse (the `compare` gate). Pure.
 *
 * Which test: runs whose arms stop once decided (the default) have counts whose size depends
 * on the counts themselves, so a fixed-sample test (the exact conditional rate test) does not
 * hold its error level on them. Unless both runs ran every arm for its full duration
 * (`--fixed`), arms are compared with the verdict's e-values (verdict/sequential.ts
 * `logEAbove`): for independent runs each stopped at its own stopping time, the product of
 * the two arms' mixture martingales has expectation <= 1 at those times (optional stopping,
 * bounded arms), so E >= 1/alpha has probability <= alpha under "candidate rate <= baseline
 * rate", however either run stopped. p-values are then reported as min(1, 1/E), which is
 * valid in the same sense. Between two fixed-duration runs the exact test is kept (more power).
 */
import { exactRateTest, logEAbove } from '../verdict/index.js';
import { flatten } from './flatten.js';
import type { ArmResult, Environment, Outcome, RunReport } from './schema.js';

/** Significance level of "the candidate's fix arm resets more" (one-sided). */
export const COMPARE_ALPHA = 0.01;

/** One run as the comparison shows it. */
export interface RunSide {
  label: string;
  scenario: string;
  startedAt: string;
  complete: boolean;
  outcome: Outcome;
  explanation: string;
  environment: Environment;
}

/** A fingerprint entry that differs; null where one side lacks it. Path parts kept apart. */
export interface Difference {
  path: string[];
  baseline: string | null;
  candidate: string | null;
}

/** An arm's counts and rate (per million requests, exact 95% interval). */
export interface ArmRates {
  requests: number;
  resets: number;
  perMillion: number;
  low: number;
  high: number;
}

/** How two arms' rates were compared (see the module doc). */
export type CompareMethod = 'exact' | 'e-value';

/** One arm in both runs with a test of the two Poisson rates (`method`). */
export interface ArmComparison {
  baselineArm: string;
  candidateArm: string;
  baseline: ArmRates;
  candidate: ArmRates;
  /** `exact`: the exact conditional test (both runs fixed-duration); `e-value`: anytime valid. */
  method: CompareMethod;
  /** Two-sided p of "the rates differ" (e-value: min(1, 1/mean of both one-sided e-values)). */
  pTwoSided: number;
  /** One-sided p of "candidate rate > baseline rate" (e-value: min(1, 1/eCandidateWorse)). */
  pCandidateWorse: number;
  /** e-value of "candidate rate > baseline rate" (computed for both methods; capped at 1e300). */
  eCandidateWorse: number;
  /** e-value of "candidate rate < baseline rate". */
  eCandidateBetter: number;
}

/** The whole comparison; `worse` drives the CLI's exit code 3. */
export interface Comparison {
  schema: 'resetlab/compare@1';
  baseline: RunSide;
  candidate: RunSide;
  differences: Difference[];
  /** Arms present in both runs, matched by name, in the baseline's order. */
  arms: ArmComparison[];
  unmatched: { baselineOnly: string[]; candidateOnly: string[] };
  verdictChanged: boolean;
  /** The test used for the arms: `exact` only when both runs ran every arm for its full duration. */
  method: CompareMethod;
  /** The fix arms (last arm of each run). Null when either run has no arms. */
  fixArm: ArmComparison | null;
  alpha: number;
  worse: boolean;
  /** Why `worse` is true, one sentence each; empty when not worse. */
  reasons: string[];
  /** Caveats for the reader (different scenarios, incomplete runs, renamed fix arm). */
  notes: string[];
}

const rates = (a: ArmResult): ArmRates => ({ requests: a.requests, resets: a.resets, ...a.resetRate });

const capped = (logE: number) => Math.min(1e300, Math.exp(logE));

/**
 * True when every arm of the run ran its full duration (`--fixed`, or a report from before
 * sequential stopping, which has neither `stopping` nor `verdict.sequential`).
 */
export function isFixedSample(r: RunReport): boolean {
  const modes = r.arms.map((a) => a.stopping?.mode);
  if (modes.some((m) => m === 'sequential')) return false;
  if (modes.every((m) => m === 'fixed')) return true;
  return r.verdict.sequential === undefined && modes.every((m) => m === undefined);
}

function compareArm(a: ArmResult, b: ArmResult, method: CompareMethod): ArmComparison {
  const eWorse = capped(logEAbove(b.resets, b.requests, a.resets, a.requests));
  const eBetter = capped(logEAbove(a.resets, a.requests, b.resets, b.requests));
  const common = { baselineArm: a.name, candidateArm: b.name, baseline: rates(a), candidate: rates(b), method, eCandidateWorse: eWorse, eCandidateBetter: eBetter };
  if (method === 'e-value') {
    return { ...common, pTwoSided: Math.min(1, 2 / (eWorse + eBetter)), pCandidateWorse: Math.min(1, 1 / eWorse) };
  }
  const test = exactRateTest(b.resets, b.requests, a.resets, a.requests);
  return { ...common, pTwoSided: test.pTwoSided, pCandidateWorse: test.pGreater };
}

/** The fingerprint compared: environment, then the scenario settings, then each arm's read-back sysctls. */
function fingerprint(r: RunReport): Map<string, [string[], string]> {
  const entries = [
    ...flatten(r.environment),
    ...flatten(r.scenario, ['scenario']),
    ...r.arms.flatMap((a) => flatten(a.sysctls, ['arm', a.name, 'sysctls'])),
  ];
  return new Map(entries.map(([path, text]) => [JSON.stringify(path), [path, text]]));
}

/** Fingerprint entries whose values differ (or exist on one side only), baseline order first. */
export function fingerprintDifferences(a: RunReport, b: RunReport): Difference[] {
  const fa = fingerprint(a);
  const fb = fingerprint(b);
  const keys = [...new Set([...fa.keys(), ...fb.keys()])];
  return keys.flatMap((k) => {
    const x = fa.get(k);
    const y = fb.get(k);
    if (x?.[1] === y?.[1]) return [];
    return [{ path: (x ?? y)![0], baseline: x?.[1] ?? null, candidate: y?.[1] ?? null }];
  });
}

const side = (r: RunReport, label: string): RunSide => ({
  label, scenario: r.scenario.name, startedAt: r.startedAt, complete: r.complete,
  outcome: r.verdict.outcome, explanation: r.verdict.explanation, environment: r.environment,
});

/**
 * Compares baseline `a` with candidate `b`. Worse when the verdict goes from reproduced or
 * not-reproduced (the fix arm had no resets) to not-fixed, or when the fix arm's reset rate
 * rises significantly (one-sided, p < COMPARE_ALPHA, candidate > baseline: the e-value test
 * unless both runs are fixed-duration, then the exact test; see the module doc).
 * `labels` name the two runs in output (default "A" and "B").
 */
export function compareRuns(a: RunReport, b: RunReport, labels = { baseline: 'A', candidate: 'B' }): Comparison {
  const method: CompareMethod = isFixedSample(a) && isFixedSample(b) ? 'exact' : 'e-value';
  const byName = new Map(b.arms.map((arm) => [arm.name, arm]));
  const arms = a.arms.flatMap((arm) => {
    const other = byName.get(arm.name);
    return other ? [compareArm(arm, other, method)] : [];
  });
  const names = new Set(a.arms.map((arm) => arm.name));
  const unmatched = {
    baselineOnly: a.arms.filter((arm) => !byName.has(arm.name)).map((arm) => arm.name),
    candidateOnly: b.arms.filter((arm) => !names.has(arm.name)).map((arm) => arm.name),
  };
  const fixB = b.arms[b.arms.length - 1];
  const fixA = (fixB && a.arms.find((arm) => arm.name === fixB.name)) ?? a.arms[a.arms.length - 1];
  const fixArm = fixA && fixB ? compareArm(fixA, fixB, method) : null;

  const reasons: string[] = [];
  const from = a.verdict.outcome;
  const to = b.verdict.outcome;
  if ((from === 'reproduced' || from === 'not-reproduced') && to === 'not-fixed') {
    reasons.push(`verdict changed from ${from} to not-fixed: ${b.verdict.explanation}`);
  }
  if (fixArm && fixArm.pCandidateWorse < COMPARE_ALPHA) {
    reasons.push(`fix arm ${fixArm.candidateArm} resets rose from ${fixArm.baseline.resets} in ${fixArm.baseline.requests} ` +
      `to ${fixArm.candidate.resets} in ${fixArm.candidate.requests} requests (${method === 'exact' ? 'exact test, one-sided p' : `e-value ${fixArm.eCandidateWorse.toPrecision(3)}, anytime-valid p`} ${fixArm.pCandidateWorse.toPrecision(3)} < ${COMPARE_ALPHA})`);
  }
  // A candidate that measured nothing trustworthy must not pass the gate by default.
  if (!b.complete) reasons.push('the candidate run is incomplete (interrupted): it cannot show the fix still works');
  else if (to === 'inconclusive' && from !== 'inconclusive') {
    reasons.push(`the candidate run is inconclusive where the baseline was ${from}: ${b.verdict.explanation}`);
  }
  const notes: string[] = [];
  if (a.scenario.name !== b.scenario.name) notes.push(`different scenarios: ${a.scenario.name} vs ${b.scenario.name}`);
  if (fixArm && fixArm.baselineArm !== fixArm.candidateArm) notes.push(`fix arms differ in name: ${fixArm.baselineArm} vs ${fixArm.candidateArm}`);
  if (!a.complete) notes.push('the baseline run is incomplete');
  if (method === 'e-value') notes.push('arms compared with anytime-valid e-values (a run stopped its arms once decided, so a fixed-sample test would not hold its error level); p = min(1, 1/e)');

  return {
    schema: 'resetlab/compare@1', baseline: side(a, labels.baseline), candidate: side(b, labels.candidate),
    differences: fingerprintDifferences(a, b), arms, unmatched, verdictChanged: from !== to, method, fixArm,
    alpha: COMPARE_ALPHA, worse: reasons.length > 0, reasons, notes,
  };
}
