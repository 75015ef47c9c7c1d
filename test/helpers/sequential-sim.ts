/**
 * Simulated sequential runs for the statistics tests (seeded PRNG, Poisson counts arriving in
 * 0.2 s steps, both arms run in order as the pipeline does, each stopping as `run-scenario`
 * stops it), decided by the real verdict function.
 */
import type { ArmResult, Evidence, Outcome } from '../../harness/report/schema.js';
import { poolArm } from '../../harness/verdict/pool.js';
import { baselinePart, sequentialDecision, SEQUENTIAL_DEFAULTS, type ArmCount, type SequentialOptions } from '../../harness/verdict/sequential.js';
import { decideVerdict } from '../../harness/verdict/verdict.js';

/** The verdict's defaults. */
export const OPTS: SequentialOptions = { alpha: 0.01, minRequests: 2000, minRatePerMillion: SEQUENTIAL_DEFAULTS.minRatePerMillion };

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson sample (Knuth for small means, normal approximation above 50). */
export function poisson(mean: number, rand: () => number): number {
  if (mean > 50) {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const l = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > l) {
    k += 1;
    p *= rand();
  }
  return k;
}

const CHAIN: Evidence = { injected: 1, conntrackInvalid: 1, invalidDropped: 0, leakedUnNatted: 1, clientRstsSent: 1, serverResets: 1 };

export function arm(name: string, c: ArmCount, s: Sim): ArmResult {
  // The arm's load time, as the pipeline records it: what its requests took at the mean throughput.
  return poolArm(name, [{
    trial: 1, sysctlsByNode: {}, requests: c.requests, resets: c.resets, errors: {}, durationSec: c.requests / s.requestsPerSec,
    throughputBytesPerSec: 1, requestsPerSec: 1, latencyMs: { p50: 1, p90: 1, p99: 1, max: 1, mean: 1 },
    // The mechanism's resets always come with the kernel chain here: only the counts are under test.
    evidence: c.resets > 0 ? CHAIN : { ...CHAIN, injected: 0, conntrackInvalid: 0, leakedUnNatted: 0 }, ticks: [], disturbed: [],
  }]);
}

export interface Sim {
  /** Resets per million requests, per arm. */
  baselinePerMillion: number;
  fixPerMillion: number;
  /** Requests per second (each 0.2 s step varies by +-30%). */
  requestsPerSec: number;
  maxSec: number;
  /** Seconds between looks at the counts (the pipeline looks every 0.2 s; coarser keeps slow-VM cases fast). */
  stepSec?: number;
}

/**
 * One run: baseline until its part is settled, then fix until decided (or each arm's maximum).
 * As in the pipeline, once an arm has 1 s of load its requests are projected to its maximum
 * (throughput so far x maxSec) for the clean threshold.
 */
export function simulate(s: Sim, rand: () => number): { outcome: Outcome; seconds: number; arms: [ArmResult, ArmResult] } {
  const b: ArmCount = { requests: 0, resets: 0 };
  const f: ArmCount = { requests: 0, resets: 0 };
  const dt = s.stepSec ?? 0.2;
  const steps = Math.round(s.maxSec / dt);
  const step = (c: ArmCount, perMillion: number, i: number) => {
    const requests = Math.round(s.requestsPerSec * dt * (0.7 + 0.6 * rand()));
    c.requests += requests;
    c.resets += poisson((requests * perMillion) / 1e6, rand);
    const seconds = (i + 1) * dt;
    if (seconds >= 1) c.maxRequests = (c.requests / seconds) * s.maxSec;
  };
  let seconds = 0;
  for (let i = 0; i < steps && baselinePart(b, f, OPTS) === null; i++, seconds += dt) step(b, s.baselinePerMillion, i);
  for (let i = 0; i < steps && sequentialDecision(b, f, OPTS) === null; i++, seconds += dt) step(f, s.fixPerMillion, i);
  const arms: [ArmResult, ArmResult] = [arm('liberal=0', b, s), arm('liberal=1', f, s)];
  const v = decideVerdict(arms, { alpha: OPTS.alpha, minRequests: OPTS.minRequests, sequential: { maxSecPerArm: s.maxSec } });
  return { outcome: v.outcome, seconds, arms };
}

