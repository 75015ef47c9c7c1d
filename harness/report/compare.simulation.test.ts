/**
 * `compare` stays valid under optional stopping: pairs of independent simulated runs (the
 * verdict's simulation, test/helpers/sequential-sim.ts: arms stop once decided, as the pipeline
 * stops them) at the same true rates are compared as `resetlab compare` compares them. The
 * gate's rate test may call the candidate worse in at most alpha of the pairs. The exact
 * fixed-sample test on the same stopped counts is measured beside it for the record.
 */
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/reports.js';
import { prng, simulate, type Sim } from '../../test/helpers/sequential-sim.js';
import { exactRateTest } from '../verdict/index.js';
import { COMPARE_ALPHA, compareRuns } from './compare.js';
import type { ArmResult, Outcome, RunReport } from './schema.js';

const base = loadFixture('ci-over-window');

/** A sequential run's report around simulated arms (each marked as stopped on a decision). */
function report(arms: [ArmResult, ArmResult], outcome: Outcome): RunReport {
  const stopped = arms.map((a) => ({ ...a, stopping: { reason: 'decided' as const, requests: a.requests, resets: a.resets, seconds: 1, mode: 'sequential' as const } }));
  return { ...base, arms: stopped, verdict: { ...base.verdict, outcome, explanation: outcome } };
}

const verbose = process.env.RESETLAB_SIM_VERBOSE === '1';

function pairs(s: Sim, candidate: Sim, runs: number, seed: number) {
  const rand = prng(seed);
  let rateWorse = 0;
  let exactWorse = 0;
  let gateWorse = 0;
  for (let i = 0; i < runs; i++) {
    const a = simulate(s, rand);
    const b = simulate(candidate, rand);
    const c = compareRuns(report(a.arms, a.outcome), report(b.arms, b.outcome));
    expect(c.method).toBe('e-value');
    if (c.fixArm!.pCandidateWorse < COMPARE_ALPHA) rateWorse++;
    if (c.worse) gateWorse++;
    const [fa, fb] = [a.arms[1], b.arms[1]];
    if (exactRateTest(fb.resets, fb.requests, fa.resets, fa.requests).pGreater < COMPARE_ALPHA) exactWorse++;
  }
  const r = { rateWorse: rateWorse / runs, exactWorse: exactWorse / runs, gateWorse: gateWorse / runs };
  if (verbose) console.log(JSON.stringify({ baseline: s, candidate, runs, ...r }));
  return r;
}

describe('compare of early-stopped runs on simulated Poisson streams', { timeout: 180_000 }, () => {
  const nulls: Array<[string, Sim]> = [
    // Resets in both arms: each fix arm stops at its first reset past 2000 requests (not-fixed).
    ['not-fixed: 2000 and 500 per million', { baselinePerMillion: 2000, fixPerMillion: 500, requestsPerSec: 14_000, maxSec: 10 }],
    ['not-fixed: 2000 and 2000 per million', { baselinePerMillion: 2000, fixPerMillion: 2000, requestsPerSec: 14_000, maxSec: 10 }],
    // Fix arm below the clean threshold: some runs stop clean, others at a stray reset.
    ['a fix arm at 100 per million', { baselinePerMillion: 2300, fixPerMillion: 100, requestsPerSec: 14_000, maxSec: 10 }],
    ['a slow VM: 24000 and 3000 per million at 700 req/s', { baselinePerMillion: 24_000, fixPerMillion: 3000, requestsPerSec: 700, maxSec: 30, stepSec: 1 }],
  ];
  it.each(nulls)('%s, same rates in both runs: the fix-arm test says worse in <= alpha of 2000 pairs', (_name, sim) => {
    const r = pairs(sim, sim, 2000, 4242);
    expect(r.rateWorse).toBeLessThanOrEqual(COMPARE_ALPHA);
  });

  it('a clean fix arm that breaks (0 -> 3000 per million) fails the gate in >= 99% of pairs', () => {
    const fixed: Sim = { baselinePerMillion: 2300, fixPerMillion: 0, requestsPerSec: 14_000, maxSec: 10 };
    const r = pairs(fixed, { ...fixed, fixPerMillion: 3000 }, 1000, 77);
    expect(r.gateWorse).toBeGreaterThanOrEqual(0.99);
  });

  it('reproduced runs with a clean fix arm on both sides never fail the gate', () => {
    const fixed: Sim = { baselinePerMillion: 2300, fixPerMillion: 0, requestsPerSec: 14_000, maxSec: 10 };
    expect(pairs(fixed, fixed, 1000, 5).gateWorse).toBe(0);
  });
});

describe('which test compare uses', () => {
  it('the exact test only between two fixed-duration runs; e-values as soon as one run stopped early', () => {
    expect(compareRuns(base, base).method).toBe('exact');
    const sim = simulate({ baselinePerMillion: 2300, fixPerMillion: 0, requestsPerSec: 14_000, maxSec: 10 }, prng(1));
    const seq = report(sim.arms, sim.outcome);
    const c = compareRuns(base, seq);
    expect(c.method).toBe('e-value');
    expect(c.notes.join(' ')).toMatch(/anytime-valid e-values/);
    for (const arm of c.arms) expect(arm.pCandidateWorse).toBeCloseTo(Math.min(1, 1 / arm.eCandidateWorse), 12);
  });
});
