/**
 * The RPS benchmark's result document (`resetlab/bench-rps@1`, written as bench.json): plain
 * JSON, rendered to the terminal, summary.md and report.html. Types only; extend with optional
 * fields, never rename.
 */
import type { Environment, Latency, RunReport } from '../../report/schema.js';
import type { CpuWindow } from '../proc-cpu.js';
import type { SampleSummary } from '../welch.js';

/** One trial of one arm, as measured. */
export interface RpsBenchTrial {
  trial: number;
  /** 1-based position in the whole run (execution order). */
  position: number;
  requestsPerSec: number;
  bytesPerSec: number;
  latencyMs: Latency;
  requests: number;
  resets: number;
  /** Per-CPU figures from the first to the last load tick (from the load start with one tick); null without ticks. */
  cpu: CpuWindow[] | null;
  /** Why the trial cannot be trusted (load agent killed, no result, interrupted...); non-empty: excluded from every statistic. */
  disturbed: string[];
}

/** Mean over trials of one CPU's figures. */
export interface CpuMean {
  cpu: number;
  softirqShare: number;
  busyShare: number;
  netRxPerSec: number;
}

/**
 * One arm (a mask, possibly with a liberal value): its trials and their summaries. Every
 * summary, pooled count and comparison uses the clean trials only (empty `disturbed`);
 * `trials` lists them all, disturbed ones included.
 */
export interface RpsBenchArm {
  name: string;
  mask: string;
  liberal: number | null;
  /** RPS read back before the load in the first trial, per node. */
  rps: Record<string, Record<string, string>>;
  trials: RpsBenchTrial[];
  /** Trials left out of the statistics because they were disturbed (always set by this version). */
  excludedTrials?: number;
  requestsPerSec: SampleSummary;
  bytesPerSec: SampleSummary;
  latencyMs: { p50: SampleSummary; p99: SampleSummary };
  /** Pooled over the clean trials. */
  requests: number;
  resets: number;
  /** Resets per million requests with the exact (Garwood) 95% interval, pooled over the clean trials. */
  resetRate: { perMillion: number; low: number; high: number };
  /** Per-CPU means over the trials that have CPU figures; [] when none has. */
  cpu: CpuMean[];
}

/** One test of a mask against the baseline (first) mask, within one liberal value. */
export interface RpsComparison {
  metric: 'requests/s' | 'bytes/s' | 'reset rate';
  liberal: number | null;
  baseline: string;
  candidate: string;
  /** Welch's t-test on per-trial values, or the exact conditional Poisson rate test on pooled resets. */
  test: string;
  /** Two-sided p-value; null when the test cannot be run (fewer than two trials per arm). */
  pValue: number | null;
  significant: boolean | null;
  /** Candidate mean (rate) relative to the baseline's, in percent; null when the baseline is 0. */
  changePercent: number | null;
  sentence: string;
}

/** What RFS can and cannot do in this run (the global table lives in the host's namespace). */
export interface RfsState {
  /** `net.core.rps_sock_flow_entries` of the host, read-only; null when unreadable. */
  hostSockFlowEntries: number | null;
  active: boolean;
  note: string;
}

/** The whole document. */
export interface RpsBenchDoc {
  schema: 'resetlab/bench-rps@1';
  complete: boolean;
  startedAt: string;
  finishedAt: string;
  elapsedSec: number;
  settings: {
    scenario: string;
    masks: string[];
    liberal: number[] | null;
    trials: number;
    durationSec: number;
    order: string;
    alpha: number;
    rpsNodes: string[];
    rpsInterfaces: string[];
    flowCnt: number;
  };
  environment: Environment;
  rfs: RfsState;
  arms: RpsBenchArm[];
  /** Empty when the run is incomplete (interrupted): no comparison is made then. */
  comparisons: RpsComparison[];
  notes: string[];
  /** The underlying run (every trial, ticks, evidence), as `resetlab run --json` prints it. */
  run: RunReport;
}
