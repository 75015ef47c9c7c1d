/**
 * Sequential stopping for the pipeline: which arm may still run, when a running trial stops
 * (the `stopWhen` hooks runTrial calls with live counts), and the per-arm stopping record.
 * Pure: works on the trials measured so far; the rules themselves are in verdict/sequential.ts.
 * The baseline (first arm) stops once its part is settled (`positive` or `clean`, against the
 * last arm); every other arm is a fix judged against the baseline and stops once that pair's
 * decision is (with two arms: the run's decision).
 */
import type { Stopping, TrialResult } from '../report/schema.js';
import { baselinePart, sequentialDecision, sequentialEvidence, type ArmCount, type SequentialOptions } from '../verdict/index.js';
import type { LiveCounts, StopDecision } from './arm.js';

/** How a run stops: `fixed` (every arm its full duration) or `sequential` (see module doc). */
export type StoppingMode =
  | { kind: 'fixed' }
  | {
      kind: 'sequential';
      /** `ordered`: each arm in one piece, in listed order; `interleaved`: alternating blocks of `blockSec`. */
      schedule: 'ordered' | 'interleaved';
      blockSec?: number;
      minRatePerMillion?: number;
    };

/** The sequential schedules `--schedule` accepts. */
export const SCHEDULES = ['ordered', 'interleaved'] as const;

/**
 * How arms stop for the run flags: fixed with `--fixed`, else sequential with `--schedule`
 * (validated by the CLI) or the default schedule. Every driver passes this to the pipeline.
 */
export function stoppingFor(flags: { fixed?: unknown; schedule?: unknown }): StoppingMode {
  if (flags.fixed === true) return { kind: 'fixed' };
  return { kind: 'sequential', schedule: (flags.schedule as 'ordered' | 'interleaved' | undefined) ?? DEFAULT_SCHEDULE };
}

/** The schedule sequential runs use unless told otherwise (chosen from measurements: README "Verdict"). */
export const DEFAULT_SCHEDULE: 'ordered' | 'interleaved' = 'ordered';

/** Default block length of the interleaved schedule. */
export const DEFAULT_BLOCK_SEC = 2;

const total = (trials: TrialResult[]): ArmCount => ({
  requests: trials.reduce((s, t) => s + t.requests, 0),
  resets: trials.reduce((s, t) => s + t.resets, 0),
});
const plus = (a: ArmCount, b: ArmCount): ArmCount => ({ requests: a.requests + b.requests, resets: a.resets + b.resets });

/** The stopping rules over the arms' trials so far (`trialsByArm`, in scenario order; mutated by the caller as trials finish). */
export class SequentialStopper {
  /**
   * `maxSecPerArm`: each arm's maximum seconds of load (trials x duration), for throughput-aware
   * clean thresholds. `minSecPerArm`: no arm is settled with less load than this (a periodic
   * fault must have acted on it: faults/create.ts `faultMinExposureMs`), capped by the maximum.
   */
  constructor(
    private readonly trialsByArm: TrialResult[][],
    private readonly options: SequentialOptions,
    private readonly maxSecPerArm?: number,
    private readonly minSecPerArm = 0,
  ) {}

  private seconds(i: number, live?: LiveCounts): number {
    return this.trialsByArm[i]!.reduce((s, t) => s + t.durationSec, 0) + (live?.seconds ?? 0);
  }

  /** The arm's counts (its trials plus `live`), with the requests projected to its maximum once 1 s of load is in. */
  private count(i: number, live?: LiveCounts): ArmCount {
    const trials = this.trialsByArm[i]!;
    const c = plus(total(trials), live ?? { requests: 0, resets: 0 });
    const seconds = this.seconds(i, live);
    return this.maxSecPerArm && seconds >= 1 ? { ...c, maxRequests: (c.requests / seconds) * this.maxSecPerArm } : c;
  }

  private get last(): number {
    return this.trialsByArm.length - 1;
  }

  /** What arm `i` has settled given counts so far (plus `live` counts of its running trial), or null. */
  settled(i: number, live?: LiveCounts): StopDecision | null {
    if (this.trialsByArm.length < 2) return null;
    const minSec = Math.min(this.minSecPerArm, this.maxSecPerArm ?? Infinity);
    if (this.seconds(i, live) < minSec) return null;
    const fixArm = i === 0 ? this.last : i;
    const b = this.count(0, i === 0 ? live : undefined);
    const f = this.count(fixArm, i === fixArm ? live : undefined);
    const evidence = () => ({ ...sequentialEvidence(b, f, this.options) }) as unknown as Record<string, number>;
    const decision = sequentialDecision(b, f, this.options);
    if (decision) return { settled: decision, evidence: evidence() };
    if (i === 0) {
      const part = baselinePart(b, f, this.options);
      if (part) return { settled: `baseline ${part}`, evidence: evidence() };
    }
    return null;
  }

  /** The `stopWhen` hook for a trial of arm `i` (undefined with fewer than two arms). */
  stopWhen(i: number): ((live: LiveCounts) => StopDecision | null) | undefined {
    if (this.trialsByArm.length < 2) return undefined;
    return (live) => this.settled(i, live);
  }
}

/**
 * The arm's stopping record from its trials: the first trial that stopped on a decision gives
 * the reason, with counts and seconds summed over the trials before it plus its own up to the
 * decision; otherwise `interrupted` if any trial was, else `max-duration` with the arm's totals.
 * Null when no trial carries a stopping record (or there is no trial).
 */
export function armStopping(trials: TrialResult[]): Stopping | null {
  if (trials.length === 0 || trials.every((t) => !t.stopping)) return null;
  const mode = trials.some((t) => t.stopping?.mode === 'sequential') ? 'sequential' : 'fixed';
  let requests = 0;
  let resets = 0;
  let seconds = 0;
  for (const t of trials) {
    const s = t.stopping;
    if (s?.reason === 'decided') {
      return { ...s, requests: requests + s.requests, resets: resets + s.resets, seconds: seconds + s.seconds, mode };
    }
    requests += t.requests;
    resets += t.resets;
    seconds += t.durationSec;
  }
  const reason = trials.some((t) => t.stopping?.reason === 'interrupted') ? 'interrupted' : 'max-duration';
  return { reason, requests, resets, seconds, mode };
}
