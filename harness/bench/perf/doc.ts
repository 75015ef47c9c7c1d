/**
 * The harness benchmark's document (`resetlab/bench-harness@1`, bench/latest.json) and its
 * baseline file (`resetlab/bench-baseline@1`, bench/baseline.json). Types only.
 */
import type { SampleSummary } from '../welch.js';

/** The load agent against wrk at one response size. */
export interface LoadVsWrk {
  responseBytes: number;
  connections: number;
  wrkThreads: number;
  wrk: { requestsPerSec: SampleSummary; bytesPerSec: SampleSummary };
  /** One entry per process count tried (1, and 2 when one process fell short of wrk). */
  agent: Array<{ processes: number; requestsPerSec: SampleSummary; bytesPerSec: SampleSummary }>;
  /** The process count reported (the best tried). */
  processesUsed: number;
  /** Load agent requests/s (processesUsed) / wrk requests/s, means over trials. Goal >= 1. */
  ratio: number;
}

/** The figures compared with the baseline, by name. */
export interface BaselineFigures {
  labProvisionSec: number;
  labTeardownSec: number;
  reproduceTimeToVerdictSec: number | null;
  loadAgentPeakRssMiB: number;
}

/** bench/baseline.json. */
export interface BaselineFile {
  schema: 'resetlab/bench-baseline@1';
  commit: string | null;
  createdAt: string;
  machine: { kernel: string; cpus: number };
  figures: BaselineFigures;
  /** How to update it (kept in the file for whoever opens it). */
  howToUpdate: string;
}

/** One figure against the baseline. */
export interface BaselineComparison {
  name: keyof BaselineFigures;
  current: number | null;
  baseline: number | null;
  /** current / baseline (lower is better for every figure here); null when either is missing. */
  ratio: number | null;
}

/** bench/latest.json. */
export interface HarnessBenchDoc {
  schema: 'resetlab/bench-harness@1';
  startedAt: string;
  finishedAt: string;
  elapsedSec: number;
  environment: { kernel: string; cpus: number; nodeVersion: string; autocannonVersion: string; gitCommit: string | null; wrk: string; iperf3: string };
  settings: { quick: boolean; durationSec: number; trials: number; connections: number };
  loadVsWrk: LoadVsWrk[];
  /** The 64 KiB case against one iperf3 stream over the same path (the ceiling). */
  ceiling: { iperf3BytesPerSec: number; agentBytesPerSec: number; wrkBytesPerSec: number; agentRatio: number; wrkRatio: number } | null;
  /**
   * requests/s with evidence counters and the injector's duty cycle (`instrumented`) vs
   * without (`bare`); goal ratio >= 0.97. `counters` isolates the counting rules and snapshots
   * alone. The injector runs as a dry run at the scenarios' default rate: it sniffs, parses and
   * forges at `injectorRatePerSecond` but sends nothing (`injected` stays 0).
   */
  overhead: {
    responseBytes: number;
    bare: SampleSummary;
    counters?: SampleSummary;
    instrumented: SampleSummary;
    ratio: number;
    countersRatio?: number;
    /** Welch's t-test, bare vs instrumented (two-sided). */
    pValue: number | null;
    countersPValue?: number | null;
    /** Segments the injector sent during the instrumented trials (0: it runs as a dry run). */
    injected: number;
    /** The injector's duty-cycle rate in the instrumented trials (segments/s). */
    injectorRatePerSecond?: number;
    /** True: the injector forged but did not send (sniff-only). */
    injectorDryRun?: boolean;
    /** Packets the dry-run injector forged and did not send, over all instrumented trials. */
    wouldHaveInjected?: number;
    /** Inbound segments to the server port the injector's socket read, over all instrumented trials. */
    sniffed?: number;
  };
  lab: { cycles: number; provisionSec: SampleSummary; teardownSec: SampleSummary };
  /** `resetlab reproduce` as shipped (sequential: arms stop once decided). */
  reproduce: {
    timeToVerdictSec: number | null;
    note: string;
    /** Build check + the CLI process, spawn to exit (what `npm run reproduce` takes after its package check). */
    wallSec?: number;
    /** Where that time went, phase by phase, with each phase's share (perf/reproduce-split.ts). */
    split?: Array<{ phase: string; sec: number; ratio: number }>;
    /** Scenarios run side by side: each one's own lab set-up, load and between-arms time, with shares of its span. */
    lanes?: Array<{ scenario: string; sec: number; phases: Array<{ phase: string; sec: number; ratio: number }> }>;
  };
  /** `resetlab reproduce --fixed` in the same run (every arm its full duration); absent in older documents. */
  reproduceFixed?: { timeToVerdictSec: number | null; note: string };
  /** reproduce / reproduceFixed time to verdict, same run; goal <= 0.35. */
  reproduceRatio?: number | null;
  memory: { connections: number; responseBytes: number; peakRssMiB: number; pids: number };
  baseline: { file: string; commit: string | null; createdAt: string; comparisons: BaselineComparison[] } | null;
  figures: BaselineFigures;
  notes: string[];
}
