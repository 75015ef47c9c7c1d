/**
 * Runs validated scenarios one after another on labs from one driver factory (the netns and
 * kind drivers' `execute`): says which scenario starts, runs the pipeline, and hands each
 * report to `onReport` before the next one starts. Stops early when the signal aborts.
 */
import type { Runner } from '../exec/runner.js';
import type { RunReport } from '../report/schema.js';
import type { Scenario } from '../scenario/schema.js';
import type { ProgressEvent } from './progress.js';
import { runScenario, type LabFactory } from './run-scenario.js';
import type { StoppingMode } from './stopping.js';

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
}

/** Runs `scenarios` in order on labs from `provision` (see module doc). */
export async function runEach(
  ctx: RunEachContext,
  scenarios: Scenario[],
  provision: LabFactory,
  onReport: (r: RunReport) => Promise<void>,
): Promise<RunReport[]> {
  const reports: RunReport[] = [];
  for (const scenario of scenarios) {
    if (ctx.signal.aborted) break;
    const stopping = ctx.stopping ?? { kind: 'fixed' };
    const each = stopping.kind === 'fixed' ? `${scenario.load.durationMs / 1000}s each` : `each until decided, at most ${scenario.load.durationMs / 1000}s, ${stopping.schedule}`;
    ctx.say(`resetlab: running ${scenario.name} (${scenario.arms.map((a) => a.name).join(' vs ')}, ${each}, ${scenario.trials} trial${scenario.trials === 1 ? '' : 's'})`);
    const report = await runScenario(scenario, {
      provision,
      runner: ctx.runner,
      signal: ctx.signal,
      progress: ctx.progress,
      stopping,
      ...(ctx.timeScale !== undefined ? { timeScale: ctx.timeScale } : {}),
    });
    await onReport(report);
    reports.push(report);
  }
  return reports;
}
