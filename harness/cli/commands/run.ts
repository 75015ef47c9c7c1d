/**
 * `resetlab run <scenario|file>... [--driver] [--duration] [--trials] [--out] [--json] [--fixed] [--schedule]`:
 * validates every input first (exit 2, nothing created), lets the chosen driver (from the
 * registry) run each scenario, writes `results/<timestamp>-<scenario>/`, and prints the table
 * and verdict (or exactly one JSON document with `--json`). An interrupted run writes what it
 * measured with `complete: false`, then exits 130. No driver-specific code lives here.
 */
import { InputError, InterruptedError, type InputProblem } from '../../errors.js';
import { faultProblem } from '../../faults/create.js';
import type { DriverFlags, LabDriver } from '../../lab/driver.js';
import { driverFlagProblems, driverFor } from '../../lab/registry.js';
import type { RunReport } from '../../report/schema.js';
import { renderTerminal } from '../../report/terminal.js';
import { writeRun } from '../../report/write.js';
import { SCHEDULES } from '../../run/stopping.js';
import { parseKubeProxyFlags, pinKubeProxy } from '../../scenario/kube-proxy-flags.js';
import { loadScenarios, validateOverrides } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/schema.js';
import type { CliContext } from '../context.js';
import { BUILTIN_DIR, DEFAULT_OUT } from '../paths.js';
import { progressPrinter } from '../progress.js';

/** Options of `run` as commander hands them over (strings, unvalidated). */
export type RunFlags = DriverFlags;

export { checkNetnsPreconditions } from '../../lab/netns/driver.js';

/**
 * Validates flags and scenario files together; throws one InputError listing every problem.
 * `--kube-proxy-mode` / `--kube-proxy-version` (one value each here) are pinned onto every
 * scenario's topology; `check` takes lists and passes them through `kubeProxyLists`.
 */
export async function prepareRun(refs: string[], flags: RunFlags, kubeProxyLists = false): Promise<Scenario[]> {
  const problems: InputProblem[] = [];
  if (refs.length === 0) problems.push({ file: 'flags', field: '<scenario>', message: 'name at least one scenario or file' });
  if (flags.out !== undefined && flags.out.trim() === '') problems.push({ file: 'flags', field: '--out', message: 'must not be empty' });
  problems.push(...driverFlagProblems(flags));
  if (flags.schedule !== undefined && !(SCHEDULES as readonly unknown[]).includes(flags.schedule)) {
    problems.push({ file: 'flags', field: '--schedule', message: `unknown schedule "${String(flags.schedule)}"; expected one of ${SCHEDULES.join(', ')}` });
  }
  if (flags.schedule !== undefined && flags.fixed) problems.push({ file: 'flags', field: '--schedule', message: 'only for sequential runs; drop it or --fixed' });
  const { overrides, problems: flagProblems } = validateOverrides(flags);
  problems.push(...flagProblems);
  const kp = parseKubeProxyFlags(flags, { lists: kubeProxyLists });
  problems.push(...kp.problems);
  let scenarios: Scenario[] = [];
  try {
    scenarios = await loadScenarios(refs, { builtinDir: BUILTIN_DIR, overrides });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(...error.problems);
  }
  if (!kubeProxyLists && kp.problems.length === 0) {
    scenarios = scenarios.map((s) => {
      const pinned = pinKubeProxy(s, kp.selection.modes[0], kp.selection.versions[0]);
      if (pinned.problem) problems.push(pinned.problem);
      return pinned.scenario;
    });
  }
  for (const s of scenarios) {
    const p = faultProblem(s.fault);
    if (p) problems.push({ file: s.source, field: 'fault.kind', message: p });
  }
  const driver = driverFor(flags);
  if (driver) problems.push(...driver.scenarioProblems(scenarios));
  if (problems.length > 0) throw new InputError(problems);
  return scenarios;
}

/** The chosen driver (flags already validated by `prepareRun`). */
export function chosenDriver(flags: RunFlags): LabDriver {
  const driver = driverFor(flags);
  if (!driver) throw new InputError([{ file: 'flags', field: '--driver', message: `unknown driver "${flags.driver}"` }]);
  return driver;
}

/**
 * Runs validated scenarios on the chosen driver; prints each report as it comes and writes
 * its files while the next scenario runs (rendering the charts takes a while). Every write is
 * awaited before returning, so none is lost.
 */
export async function runScenarios(
  ctx: CliContext,
  scenarios: Scenario[],
  flags: RunFlags,
  onWritten?: (report: RunReport, dir: string) => void,
): Promise<RunReport[]> {
  const outDir = flags.out ?? DEFAULT_OUT;
  const writes: Promise<void>[] = [];
  const executed = chosenDriver(flags).execute({ ...ctx, progress: progressPrinter(ctx.tty), outDir }, scenarios, flags, async (report) => {
    if (!flags.json) process.stdout.write('\n' + renderTerminal(report, { colour: ctx.colour }) + '\n');
    writes.push(
      writeRun(outDir, report).then((dir) => {
        onWritten?.(report, dir);
        ctx.say(`resetlab: wrote ${dir}/ (result.json, summary.md, report.html)`);
      }),
    );
  });
  // A run that fails after handing over a (partial) report still writes it before the failure goes on.
  const reports = await executed.catch(async (error: unknown) => {
    await Promise.allSettled(writes);
    throw error;
  });
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
