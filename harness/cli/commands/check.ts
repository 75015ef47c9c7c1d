/**
 * `resetlab check [--expect FILE] [--junit FILE] [--only a,b] [run flags]`: the CI gate for
 * kernel and kube-proxy upgrades. Runs every scenario the expectations file lists, on every
 * proxy mode its entries name (a scenario pinned to each; modes the driver cannot build here
 * are skipped and said so) and on every kernel the driver runs (`--kernel A,B` with the vm
 * driver), compares each verdict with the expectation, prints a summary, writes JUnit XML
 * when asked, and exits 3 when any verdict differs. With several kernels or modes (or the vm
 * driver) it also writes a matrix report (matrix.json, matrix.md, matrix.html, junit.xml).
 * Expectations are matched before anything runs. A cell without a matching entry (nobody
 * measured that scenario on that kernel and mode) still runs and is reported as `unmeasured`:
 * measured, shown, never gated. When no cell at all has an entry, nothing would be gated: that
 * is invalid input (exit 2), before anything runs.
 */
import { join, relative } from 'node:path';
import { GateError, InputError, InterruptedError, type InputProblem } from '../../errors.js';
import { renderJUnit, UNMEASURED, type CheckCase } from '../../report/junit.js';
import { buildMatrix, type MatrixInput } from '../../report/matrix.js';
import { renderMatrixHtml, renderMatrixMarkdown, renderMatrixText } from '../../report/matrix-render.js';
import { createFreshDir, writeAtomic } from '../../report/write.js';
import { expectedScenarios, loadExpectations, selectExpectation, type Expectation } from '../../scenario/expectations.js';
import { parseKubeProxyFlags } from '../../scenario/kube-proxy-flags.js';
import { refFromExpectations } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/schema.js';
import type { CliContext } from '../context.js';
import { BUILTIN_DIR, DEFAULT_OUT } from '../paths.js';
import { checkCompare, isComparison } from './check-compare.js';
import { chosenDriver, prepareRun, runScenarios, type RunFlags } from './run.js';

/** Flags of `check`. */
export interface CheckFlags extends RunFlags {
  expect?: string;
  junit?: string;
  only?: string;
}

/**
 * The proxy modes a scenario is checked on: those its entries name, plus the driver's own
 * mode when an entry names none (pure). Empty: the scenario as it is. Only the entries of the
 * kube-proxy being run count: `kubeProxyBinary` (the `--kube-proxy` value) or, without it,
 * the model's entries.
 */
export function modesFor(list: Expectation[], name: string, ownMode: string, kubeProxyBinary?: string): string[] {
  const entries = list.filter((e) => e.scenario === name && (e.kubeProxyBinary ?? null) === (kubeProxyBinary ?? null));
  const named = entries.flatMap((e) => (e.proxyMode ? [e.proxyMode] : []));
  if (named.length === 0) return [];
  return [...new Set(entries.some((e) => !e.proxyMode) ? [ownMode, ...named] : named)];
}

/**
 * The `check` command. With two or more `--kube-proxy-mode`s or `--kube-proxy-version`s it is
 * the migration / upgrade comparison (check-compare.ts) instead of the expectations gate.
 */
export async function checkCommand(ctx: CliContext, flags: CheckFlags): Promise<void> {
  const kp = parseKubeProxyFlags(flags, { lists: true });
  if (isComparison(kp.selection)) return checkCompare(ctx, flags, kp.selection);
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
  // A scenario file named by a relative path is found next to the expectations file.
  const scenarios = await collect(() => prepareRun(names.length > 0 ? names.map((n) => refFromExpectations(n, file)) : ['none'], flags));
  if (problems.length > 0 || !scenarios) throw new InputError(problems);
  const labDriver = chosenDriver(flags);
  const driver = labDriver.name;
  const kernels = labDriver.kernelsFor(flags);

  // Cells: each scenario on each mode its entries name (pinned), skipping modes the driver cannot build.
  // Entries are matched on the reference they give (a built-in's name or a file's path), which
  // prepareRun kept in order: scenarios[i] came from names[i].
  const cells: { scenario: Scenario; proxyMode: string; ref: string }[] = [];
  for (const [i, s] of scenarios.entries()) {
    const ref = names[i] ?? s.name;
    // --kube-proxy-mode M (one value) checks that mode only.
    const modes = kp.selection.modes.length === 1 ? kp.selection.modes : modesFor(list, ref, labDriver.proxyModeFor(s, flags), typeof flags.kubeProxy === 'string' ? flags.kubeProxy : undefined);
    if (modes.length === 0) cells.push({ scenario: s, proxyMode: labDriver.proxyModeFor(s, flags), ref });
    for (const mode of modes) {
      const pinned = { ...s, topology: { ...s.topology, proxyMode: mode as Scenario['topology']['proxyMode'] } };
      const why = labDriver.scenarioProblems([pinned]);
      if (why.length > 0) ctx.say(`resetlab: skipping ${s.name} on ${mode}: ${why[0]!.message}`);
      else cells.push({ scenario: pinned, proxyMode: mode, ref });
    }
  }
  const missing: InputProblem[] = [];
  // `--kube-proxy vX.Y.Z` is matched before the run on its value, afterwards on what the binary printed.
  const binaryFact = typeof flags.kubeProxy === 'string' ? { kubeProxyBinary: flags.kubeProxy } : {};
  for (const kernel of kernels) {
    for (const c of cells) {
      if (!selectExpectation(list, c.ref, { kernel, proxyMode: c.proxyMode, driver, kubeProxyVersion: c.scenario.topology.kubeProxyVersion, ...binaryFact })) {
        missing.push({ file, field: 'expectations', message: `no entry for scenario "${c.ref}" on kernel ${kernel}, proxy mode ${c.proxyMode}, driver ${driver}` });
      }
    }
  }
  if (missing.length > 0 && missing.length === kernels.length * cells.length) throw new InputError(missing);
  for (const m of missing) ctx.say(`resetlab: ${m.message}: it runs and is reported as ${UNMEASURED} (not gated)`);

  const dirs = new Map<object, string>();
  const reports = await runScenarios(ctx, cells.map((c) => c.scenario), flags, (r, dir) => dirs.set(r, dir));
  // Reports come kernel by kernel, cells in order within each kernel.
  const inputs: MatrixInput[] = kernels.flatMap((kernel, k) =>
    cells.map((c, i) => {
      const report = reports[k * cells.length + i] ?? null;
      const env = report?.environment;
      const kubeProxyVersion = env?.kubeProxy?.version ?? c.scenario.topology.kubeProxyVersion;
      const binary = env ? (env.kubeProxy?.source === 'real' ? { kubeProxyBinary: env.kubeProxy.version } : {}) : binaryFact;
      const e = selectExpectation(list, c.ref, env ? { kernel: env.kernel, proxyMode: env.proxyMode, driver: env.driver, kubeProxyVersion, ...binary } : { kernel, proxyMode: c.proxyMode, driver, kubeProxyVersion, ...binary });
      return { kernel, scenario: c.scenario.name, proxyMode: c.proxyMode, expected: e?.expect ?? UNMEASURED, report, reportDir: report ? dirs.get(report) ?? null : null, ...(report ? {} : { error: 'not run (interrupted)' }) };
    }),
  );
  const isMatrix = kernels.length > 1 || cells.length > scenarios.length || driver === 'vm';
  const label = (i: MatrixInput) => (isMatrix ? `${i.scenario} [${i.proxyMode}${kernels.length > 1 || driver === 'vm' ? `, kernel ${i.kernel}` : ''}]` : i.scenario);
  const cases: CheckCase[] = inputs.map((i) => ({ scenario: label(i), expected: i.expected, report: i.report, error: i.error }));
  const width = Math.max(...cases.map((c) => c.scenario.length));
  const lines = cases.map((c) => {
    const got = c.report?.verdict.outcome ?? 'not run';
    if (c.expected === UNMEASURED) return `  ----  ${c.scenario.padEnd(width)}  no expectation (unmeasured), got ${got}`;
    return `  ${got === c.expected ? 'ok  ' : 'FAIL'}  ${c.scenario.padEnd(width)}  expected ${c.expected}, got ${got}`;
  });
  const unmeasured = cases.filter((c) => c.expected === UNMEASURED).length;
  const failed = cases.filter((c) => c.expected !== UNMEASURED && c.report?.verdict.outcome !== c.expected);
  let summary = [`Check against ${file}:`, ...lines, `${cases.length - failed.length - unmeasured} passed, ${failed.length} failed${unmeasured > 0 ? `, ${unmeasured} unmeasured (not gated)` : ''}`, ''].join('\n');
  if (isMatrix) {
    const outDir = flags.out ?? DEFAULT_OUT;
    const createdAt = new Date().toISOString();
    const mdir = await createFreshDir(outDir, createdAt, 'matrix');
    const doc = buildMatrix(
      inputs.map((i) => ({ ...i, reportDir: i.reportDir ? relative(mdir, i.reportDir) : null })),
      { driver, expectations: file, createdAt },
    );
    await writeAtomic(join(mdir, 'matrix.json'), JSON.stringify(doc, null, 2) + '\n');
    await writeAtomic(join(mdir, 'matrix.md'), renderMatrixMarkdown(doc));
    await writeAtomic(join(mdir, 'matrix.html'), await renderMatrixHtml(doc));
    await writeAtomic(join(mdir, 'junit.xml'), renderJUnit(cases, 'resetlab check matrix'));
    ctx.say(`resetlab: wrote ${mdir}/ (matrix.json, matrix.md, matrix.html, junit.xml)`);
    summary = renderMatrixText(doc);
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify({ schema: 'resetlab/check@1', expectations: file, cases: cases.map((c) => ({ scenario: c.scenario, expected: c.expected, got: c.report?.verdict.outcome ?? null, pass: c.expected === UNMEASURED ? null : c.report?.verdict.outcome === c.expected })), runs: reports }, null, 2) + '\n');
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
