/**
 * Baseline (A) vs candidate (B): what differs between the two runs' fingerprints, the reset
 * rates of arms with the same name side by side with the exact rate-ratio test, the verdict
 * change, and whether the candidate is worse (the `compare` gate). Pure.
 */
import { exactRateTest } from '../verdict/index.js';
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

/** One arm in both runs with the exact conditional test of the two Poisson rates. */
export interface ArmComparison {
  baselineArm: string;
  candidateArm: string;
  baseline: ArmRates;
  candidate: ArmRates;
  /** Two-sided p of "the rates differ". */
  pTwoSided: number;
  /** One-sided p of "candidate rate > baseline rate". */
  pCandidateWorse: number;
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

function compareArm(a: ArmResult, b: ArmResult): ArmComparison {
  const test = exactRateTest(b.resets, b.requests, a.resets, a.requests);
  return { baselineArm: a.name, candidateArm: b.name, baseline: rates(a), candidate: rates(b),
    pTwoSided: test.pTwoSided, pCandidateWorse: test.pGreater };
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
 * rises significantly (exact one-sided test, p < COMPARE_ALPHA, candidate > baseline).
 * `labels` name the two runs in output (default "A" and "B").
 */
export function compareRuns(a: RunReport, b: RunReport, labels = { baseline: 'A', candidate: 'B' }): Comparison {
  const byName = new Map(b.arms.map((arm) => [arm.name, arm]));
  const arms = a.arms.flatMap((arm) => {
    const other = byName.get(arm.name);
    return other ? [compareArm(arm, other)] : [];
  });
  const names = new Set(a.arms.map((arm) => arm.name));
  const unmatched = {
    baselineOnly: a.arms.filter((arm) => !byName.has(arm.name)).map((arm) => arm.name),
    candidateOnly: b.arms.filter((arm) => !names.has(arm.name)).map((arm) => arm.name),
  };
  const fixB = b.arms[b.arms.length - 1];
  const fixA = (fixB && a.arms.find((arm) => arm.name === fixB.name)) ?? a.arms[a.arms.length - 1];
  const fixArm = fixA && fixB ? compareArm(fixA, fixB) : null;

  const reasons: string[] = [];
  const from = a.verdict.outcome;
  const to = b.verdict.outcome;
  if ((from === 'reproduced' || from === 'not-reproduced') && to === 'not-fixed') {
    reasons.push(`verdict changed from ${from} to not-fixed: ${b.verdict.explanation}`);
  }
  if (fixArm && fixArm.pCandidateWorse < COMPARE_ALPHA) {
    reasons.push(`fix arm ${fixArm.candidateArm} resets rose from ${fixArm.baseline.resets} in ${fixArm.baseline.requests} ` +
      `to ${fixArm.candidate.resets} in ${fixArm.candidate.requests} requests (one-sided p ${fixArm.pCandidateWorse.toPrecision(3)} < ${COMPARE_ALPHA})`);
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

  return {
    schema: 'resetlab/compare@1', baseline: side(a, labels.baseline), candidate: side(b, labels.candidate),
    differences: fingerprintDifferences(a, b), arms, unmatched, verdictChanged: from !== to, fixArm,
    alpha: COMPARE_ALPHA, worse: reasons.length > 0, reasons, notes,
  };
}
