/**
 * `resetlab check [--expect FILE] [--junit FILE] [--only a,b] [run flags]`: the CI gate for
 * kernel and kube-proxy upgrades. Runs every scenario the expectations file lists, compares
 * each verdict with the expectation for this kernel / proxy mode / driver, prints a summary,
 * writes JUnit XML when asked, and exits 3 when any verdict differs. Expectations are
 * matched before anything runs: a scenario without a matching entry is invalid input (exit 2).
 */
import { release } from 'node:os';
import { join } from 'node:path';
import { GateError, InputError, InterruptedError, type InputProblem } from '../../errors.js';
import { renderJUnit, type CheckCase } from '../../report/junit.js';
import { writeAtomic } from '../../report/write.js';
import { expectedScenarios, loadExpectations, selectExpectation } from '../../scenario/expectations.js';
import type { CliContext } from '../context.js';
import { BUILTIN_DIR } from '../paths.js';
import { chosenDriver, prepareRun, runScenarios, type RunFlags } from './run.js';

/** Flags of `check`. */
export interface CheckFlags extends RunFlags {
  expect?: string;
  junit?: string;
  only?: string;
}

/** The `check` command. */
export async function checkCommand(ctx: CliContext, flags: CheckFlags): Promise<void> {
  const file = flags.expect ?? join(BUILTIN_DIR, 'expectations.yaml');
  // Every problem (expectations file, --only, other flags, scenario files) is listed at once.
  const problems: InputProblem[] = [];
  const collect = async <T>(f: () => Promise<T>): Promise<T | null> => {
    try {
      return await f();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
      return null;
    }
  };
  const list = (await collect(() => loadExpectations(file))) ?? [];
  const only = flags.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const listed = expectedScenarios(list);
  const names = listed.filter((n) => !only || only.includes(n));
  if (list.length > 0) {
    for (const n of only ?? []) {
      if (!listed.includes(n)) problems.push({ file: 'flags', field: '--only', message: `"${n}" is not listed in ${file}` });
    }
    if (names.length === 0 && problems.length === 0) problems.push({ file: 'flags', field: '--only', message: 'selects no scenario' });
  }
  // With a broken expectations file, still validate the flags (the built-in names stand in).
  const scenarios = await collect(() => prepareRun(names.length > 0 ? names : ['none'], flags));
  if (problems.length > 0 || !scenarios) throw new InputError(problems);
  const labDriver = chosenDriver(flags);
  const kernel = labDriver.kernelsFor(flags)[0] ?? release();
  const driver = labDriver.name;
  const missing: InputProblem[] = [];
  const expected = scenarios.map((s) => {
    const proxyMode = labDriver.proxyModeFor(s, flags);
    const e = selectExpectation(list, s.name, { kernel, proxyMode, driver });
    if (!e) missing.push({ file, field: 'expectations', message: `no entry for scenario "${s.name}" on kernel ${kernel}, proxy mode ${proxyMode}, driver ${driver}` });
    return e;
  });
  if (missing.length > 0) throw new InputError(missing);

  const reports = await runScenarios(ctx, scenarios, flags);
  const cases: CheckCase[] = scenarios.map((s, i) => {
    const report = reports[i] ?? null;
    const env = report?.environment;
    const e = env ? selectExpectation(list, s.name, { kernel: env.kernel, proxyMode: env.proxyMode, driver: env.driver }) : expected[i];
    return { scenario: s.name, expected: e?.expect ?? 'unknown', report, error: report ? undefined : 'not run (interrupted)' };
  });
  const width = Math.max(...cases.map((c) => c.scenario.length));
  const lines = cases.map((c) => {
    const got = c.report?.verdict.outcome ?? 'not run';
    return `  ${got === c.expected ? 'ok  ' : 'FAIL'}  ${c.scenario.padEnd(width)}  expected ${c.expected}, got ${got}`;
  });
  const failed = cases.filter((c) => c.report?.verdict.outcome !== c.expected);
  const summary = [`Check against ${file}:`, ...lines, `${cases.length - failed.length} passed, ${failed.length} failed`, ''].join('\n');
  if (flags.json) {
    process.stdout.write(JSON.stringify({ schema: 'resetlab/check@1', expectations: file, cases: cases.map((c) => ({ scenario: c.scenario, expected: c.expected, got: c.report?.verdict.outcome ?? null, pass: c.report?.verdict.outcome === c.expected })), runs: reports }, null, 2) + '\n');
    process.stderr.write(summary);
  } else {
    process.stdout.write('\n' + summary);
  }
  if (flags.junit) {
    await writeAtomic(flags.junit, renderJUnit(cases));
    ctx.say(`resetlab: wrote JUnit XML to ${flags.junit}`);
  }
  if (ctx.signal.aborted) throw new InterruptedError(String(ctx.signal.reason ?? 'signal'));
  if (failed.length > 0) {
    throw new GateError(`check failed: ${failed.map((c) => `${c.scenario} expected ${c.expected}, got ${c.report?.verdict.outcome ?? 'not run'}`).join('; ')}`);
  }
}
