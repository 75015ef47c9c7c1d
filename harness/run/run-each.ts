/**
 * Runs validated scenarios on labs from one driver factory (the netns and kind drivers'
 * `execute`): says which scenario starts, runs the pipeline, and hands each report to
 * `onReport`, in the scenarios' order. One after another by default; with `sideBySide`, every
 * scenario at once, each in its own lab (own prefix, namespaces and conntrack tables), with
 * every progress line tagged `[scenario]` and live ticks left out (they would overwrite each
 * other), and the reports still handed over in order as soon as all earlier ones are. Stops
 * starting scenarios when the signal aborts; running ones stop their load and report.
 */
import type { Runner } from '../exec/runner.js';
import type { RunReport } from '../report/schema.js';
import type { Scenario } from '../scenario/schema.js';
import type { ProgressEvent } from './progress.js';
import { PartialRunError, runScenario, type LabFactory } from './run-scenario.js';
import { stoppingFor, type StoppingMode } from './stopping.js';

/** What `runEach` needs. */
export interface RunEachContext {
  runner: Runner;
  signal: AbortSignal;
  say(line: string): void;
  progress: (e: ProgressEvent) => void;
  /** Deadlines are multiplied by this (1 on bare metal; the vm driver's guests pass more). */
  timeScale?: number;
  /** How arms stop (run/stopping.ts `stoppingFor`); default fixed. */
  stopping?: StoppingMode;
  /** Run every scenario at once, each in its own lab (see module doc); default false. */
  sideBySide?: boolean;
}

/**
 * What a driver's flags say about running its scenarios (pure): how arms stop, and the hidden
 * `--time-scale` (validated by the registry; 1 when absent) that the vm driver appends in its
 * guests. Every driver's `runEach` gets both: without the scale a kube run in a 16x slower
 * guest gave its agents bare metal's 15 s of grace, and its load and server agents were
 * killed at their deadlines (measured: "0 requests", "the server agent ended before the arm did").
 */
export function runEachOptions(flags: { fixed?: unknown; schedule?: unknown; timeScale?: unknown }): { stopping: StoppingMode; timeScale: number } {
  return { stopping: stoppingFor(flags), timeScale: typeof flags.timeScale === 'string' ? Number(flags.timeScale) : 1 };
}

/**
 * The progress of one of several scenarios running at once: phase, arm start and arm end
 * become one tagged line each; ticks are dropped. Pure mapping onto `progress`.
 */
export function taggedProgress(tag: string, progress: (e: ProgressEvent) => void): (e: ProgressEvent) => void {
  return (e) => {
    if (e.type === 'phase') progress({ type: 'phase', message: `[${tag}] ${e.message}` });
    else if (e.type === 'arm-start') progress({ type: 'phase', message: `[${tag}] arm ${e.arm} (trial ${e.trial}/${e.trials}), ${e.durationSec}s of load` });
    else if (e.type === 'arm-end') progress({ type: 'phase', message: `[${tag}] ${e.arm}: ${e.requests} requests, ${e.resets} resets` });
  };
}

/** The "running ..." line of one scenario. Pure. */
export function runningLine(scenario: Scenario, stopping: StoppingMode): string {
  const each = stopping.kind === 'fixed' ? `${scenario.load.durationMs / 1000}s each` : `each until decided, at most ${scenario.load.durationMs / 1000}s, ${stopping.schedule}`;
  return `resetlab: running ${scenario.name} (${scenario.arms.map((a) => a.name).join(' vs ')}, ${each}, ${scenario.trials} trial${scenario.trials === 1 ? '' : 's'})`;
}

/** Runs `scenarios` on labs from `provision` (see module doc). */
export async function runEach(
  ctx: RunEachContext,
  scenarios: Scenario[],
  provision: LabFactory,
  onReport: (r: RunReport) => Promise<void>,
): Promise<RunReport[]> {
  const stopping = ctx.stopping ?? { kind: 'fixed' };
  const runOrKeep = (scenario: Scenario, progress: (e: ProgressEvent) => void) =>
    runScenario(scenario, {
      provision,
      runner: ctx.runner,
      signal: ctx.signal,
      progress,
      stopping,
      ...(ctx.timeScale !== undefined ? { timeScale: ctx.timeScale } : {}),
    });
  // A scenario that failed after measuring: its partial report is kept (onReport) before the failure goes on.
  const run = (scenario: Scenario, progress: (e: ProgressEvent) => void) =>
    runOrKeep(scenario, progress).catch(async (error: unknown) => {
      if (!(error instanceof PartialRunError)) throw error;
      ctx.say(`resetlab: ${scenario.name} failed after measuring; its partial report (incomplete, inconclusive) is kept`);
      await onReport(error.report);
      throw error.failure;
    });
  const reports: RunReport[] = [];
  if (ctx.sideBySide && scenarios.length > 1) {
    if (ctx.signal.aborted) return reports;
    ctx.say(`resetlab: ${scenarios.length} scenarios side by side, each in its own lab`);
    const running = scenarios.map((s) => {
      ctx.say(runningLine(s, stopping));
      return runOrKeep(s, taggedProgress(s.name, ctx.progress));
    });
    // In order: each report as soon as it and every earlier one are done; every scenario is
    // awaited (none is left running) before the first failure, if any, is thrown.
    const outcomes = running.map((p) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })));
    let failure: { error: unknown } | undefined;
    for (const pending of outcomes) {
      const o = await pending;
      if (!o.ok) {
        // A partial report (failed after measuring) is kept in its place, then the failure goes on.
        if (o.error instanceof PartialRunError) await onReport(o.error.report);
        failure ??= { error: o.error instanceof PartialRunError ? o.error.failure : o.error };
        continue;
      }
      await onReport(o.value);
      reports.push(o.value);
    }
    if (failure) throw failure.error;
    return reports;
  }
  for (const scenario of scenarios) {
    if (ctx.signal.aborted) break;
    ctx.say(runningLine(scenario, stopping));
    const report = await run(scenario, ctx.progress);
    await onReport(report);
    reports.push(report);
  }
  return reports;
}
