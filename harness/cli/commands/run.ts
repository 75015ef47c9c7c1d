/**
 * `resetlab run <scenario|file>... [--driver] [--duration] [--trials] [--out] [--json] [--fixed] [--schedule]`:
 * validates every input first (exit 2, nothing created), removes leftovers of dead runs,
 * runs each scenario, writes `results/<timestamp>-<scenario>/`, and prints the table and
 * verdict (or exactly one JSON document with `--json`). An interrupted run writes what it
 * measured with `complete: false`, then exits 130.
 */
import { InputError, InterruptedError, UnsupportedError, type InputProblem } from '../../errors.js';
import { faultProblem } from '../../faults/create.js';
import { provisionNetnsLab } from '../../lab/netns/provider.js';
import { newPrefix } from '../../lab/prefix.js';
import type { RunReport } from '../../report/schema.js';
import { renderTerminal } from '../../report/terminal.js';
import { writeRun } from '../../report/write.js';
import { runScenario, type LabFactory } from '../../run/run-scenario.js';
import { DEFAULT_SCHEDULE, type StoppingMode } from '../../run/stopping.js';
import { loadScenarios, validateOverrides } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/schema.js';
import type { CliContext } from '../context.js';
import { BUILTIN_DIR, DEFAULT_OUT } from '../paths.js';
import { progressPrinter } from '../progress.js';
import { capabilityProblems } from './capabilities.js';
import { removeLeftoversLoudly } from './cleanup.js';
import { kindFlagProblems, prepareKindDriver, type KindFlags } from './kind-driver.js';

/** Options of `run` as commander hands them over (strings, unvalidated). */
export interface RunFlags extends KindFlags {
  driver?: string;
  duration?: string;
  trials?: string;
  out?: string;
  json?: boolean;
  /** Every arm runs its full duration (no sequential stopping): benchmarks, comparisons with older runs. */
  fixed?: boolean;
  /** Sequential schedule: `ordered` or `interleaved` (see run/stopping.ts). */
  schedule?: string;
}

const DRIVERS = ['netns', 'kind'];
const SCHEDULES = ['ordered', 'interleaved'];

/** How arms stop for these flags: fixed with `--fixed`, else sequential with the chosen schedule. */
export function stoppingFor(flags: RunFlags): StoppingMode {
  if (flags.fixed) return { kind: 'fixed' };
  return { kind: 'sequential', schedule: (flags.schedule as 'ordered' | 'interleaved' | undefined) ?? DEFAULT_SCHEDULE };
}

/** Validates flags and scenario files together; throws one InputError listing every problem. */
export async function prepareRun(refs: string[], flags: RunFlags): Promise<Scenario[]> {
  const problems: InputProblem[] = [];
  if (refs.length === 0) problems.push({ file: 'flags', field: '<scenario>', message: 'name at least one scenario or file' });
  if (flags.driver !== undefined && !DRIVERS.includes(flags.driver)) {
    problems.push({ file: 'flags', field: '--driver', message: `unknown driver "${flags.driver}"; expected one of ${DRIVERS.join(', ')}` });
  }
  if (flags.out !== undefined && flags.out.trim() === '') problems.push({ file: 'flags', field: '--out', message: 'must not be empty' });
  problems.push(...kindFlagProblems(flags));
  if (flags.schedule !== undefined && !SCHEDULES.includes(flags.schedule)) {
    problems.push({ file: 'flags', field: '--schedule', message: `unknown schedule "${flags.schedule}"; expected one of ${SCHEDULES.join(', ')}` });
  }
  if (flags.schedule !== undefined && flags.fixed) problems.push({ file: 'flags', field: '--schedule', message: 'only for sequential runs; drop it or --fixed' });
  const { overrides, problems: flagProblems } = validateOverrides(flags);
  problems.push(...flagProblems);
  let scenarios: Scenario[] = [];
  try {
    scenarios = await loadScenarios(refs, { builtinDir: BUILTIN_DIR, overrides });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(...error.problems);
  }
  for (const s of scenarios) {
    const p = faultProblem(s.fault);
    if (p) problems.push({ file: s.source, field: 'fault.kind', message: p });
  }
  problems.push(...capabilityProblems(scenarios, flags.driver ?? 'netns'));
  if (problems.length > 0) throw new InputError(problems);
  return scenarios;
}

/** Checks what the netns driver needs before anything is created. */
export function checkNetnsPreconditions(): void {
  if (process.getuid?.() !== 0) {
    throw new UnsupportedError('resetlab needs root to create network namespaces: run it as root (e.g. `sudo npm run reproduce`)');
  }
}

/** Runs validated scenarios one after another; returns their reports. */
export async function runScenarios(ctx: CliContext, scenarios: Scenario[], flags: RunFlags): Promise<RunReport[]> {
  let provision: LabFactory;
  if (flags.driver === 'kind') {
    provision = await prepareKindDriver(ctx, flags);
  } else {
    checkNetnsPreconditions();
    await removeLeftoversLoudly(ctx);
    provision = (topology) => provisionNetnsLab({ prefix: newPrefix(), topology, runner: ctx.runner });
  }
  const reports: RunReport[] = [];
  const writes: Promise<void>[] = [];
  for (const scenario of scenarios) {
    if (ctx.signal.aborted) break;
    const stopping = stoppingFor(flags);
    const each = stopping.kind === 'fixed' ? `${scenario.load.durationMs / 1000}s each` : `each until decided, at most ${scenario.load.durationMs / 1000}s, ${stopping.schedule}`;
    ctx.say(`resetlab: running ${scenario.name} (${scenario.arms.map((a) => a.name).join(' vs ')}, ${each}, ${scenario.trials} trial${scenario.trials === 1 ? '' : 's'})`);
    const report = await runScenario(scenario, {
      provision,
      runner: ctx.runner,
      signal: ctx.signal,
      progress: progressPrinter(ctx.tty),
      stopping,
    });
    if (!flags.json) process.stdout.write('\n' + renderTerminal(report, { colour: ctx.colour }) + '\n');
    // The files are written while the next scenario runs (rendering the charts takes a while);
    // every write is awaited before returning, so none is lost.
    writes.push(writeRun(flags.out ?? DEFAULT_OUT, report).then((dir) => ctx.say(`resetlab: wrote ${dir}/ (result.json, summary.md, report.html)`)));
    reports.push(report);
  }
  const results = await Promise.allSettled(writes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return reports;
}

/** The `run` command. */
export async function runCommand(ctx: CliContext, refs: string[], flags: RunFlags): Promise<void> {
  const scenarios = await prepareRun(refs, flags);
  const reports = await runScenarios(ctx, scenarios, flags);
  if (flags.json) {
    const doc = reports.length === 1 ? reports[0] : { schema: 'resetlab/runs@1', runs: reports };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  }
  if (ctx.signal.aborted) throw new InterruptedError(String(ctx.signal.reason ?? 'signal'));
}
