/**
 * `resetlab check --kube-proxy-mode A,B` (a migration, e.g. ipvs,nftables) or
 * `--kube-proxy-version A,B` (an upgrade): the comparison gate. Runs every Service path (or
 * the `--only` subset) in each mode or version on the same kernel(s) of the chosen driver
 * (`--driver vm --kernel 6.1` boots that kernel), then writes one comparison per kernel:
 * terminal, comparison.md, comparison.html, comparison.json and junit.xml. Exits 3 (GateError)
 * when a path goes from not-reproduced in the first column to reproduced in a later one, so CI
 * can block the migration or upgrade. Expectations are not used: the first column is the baseline.
 */
import { join, relative } from 'node:path';
import { GateError, InputError, InterruptedError, type InputProblem } from '../../errors.js';
import { buildComparison, type ComparisonCellInput } from '../../report/migration.js';
import { renderComparisonHtml, renderComparisonJUnit, renderComparisonMarkdown, renderComparisonText } from '../../report/migration-render.js';
import { createFreshDir, writeAtomic } from '../../report/write.js';
import { pinKubeProxy, type KubeProxySelection } from '../../scenario/kube-proxy-flags.js';
import type { Scenario } from '../../scenario/schema.js';
import type { CliContext } from '../context.js';
import { DEFAULT_OUT } from '../paths.js';
import { chosenDriver, prepareRun, runScenarios, type RunFlags } from './run.js';

/** The flags `check` hands over (its own `--only`, `--junit` and the run flags). */
export type CompareFlags = RunFlags & { only?: string; junit?: string };

/** The Service paths a migration is judged on (built-ins, one per path users have). */
export const MIGRATION_PATHS = [
  'over-window',
  'over-window-masquerade',
  'over-window-external',
  'over-window-node-client',
  'over-window-nodeport',
  'over-window-hairpin',
];

/** True when the flags ask for a comparison (two or more modes or versions). */
export function isComparison(s: KubeProxySelection): boolean {
  return s.modes.length > 1 || s.versions.length > 1;
}

/**
 * The cells to run (pure): every scenario in each column, the other axis pinned when given
 * once. Problems (a version without that mode) are listed per scenario and column.
 */
export function comparisonCells(scenarios: Scenario[], s: KubeProxySelection): { axis: 'mode' | 'version'; columns: string[]; cells: { column: string; scenario: Scenario }[]; problems: InputProblem[] } {
  const axis = s.modes.length > 1 ? 'mode' : 'version';
  const columns = axis === 'mode' ? s.modes : s.versions;
  const problems: InputProblem[] = [];
  const cells = columns.flatMap((column) =>
    scenarios.map((sc) => {
      const pinned = axis === 'mode' ? pinKubeProxy(sc, column, s.versions[0]) : pinKubeProxy(sc, s.modes[0], column);
      if (pinned.problem) problems.push(pinned.problem);
      return { column, scenario: pinned.scenario };
    }),
  );
  return { axis, columns, cells, problems };
}

/** Runs the comparison (flags validated for lists by the caller's `prepareRun`). */
export async function checkCompare(ctx: CliContext, flags: CompareFlags, selection: KubeProxySelection): Promise<void> {
  const only = flags.only?.split(',').map((x) => x.trim()).filter(Boolean);
  const problems: InputProblem[] = [];
  for (const n of only ?? []) {
    if (!MIGRATION_PATHS.includes(n)) problems.push({ file: 'flags', field: '--only', message: `"${n}" is not a migration path; expected some of ${MIGRATION_PATHS.join(', ')}` });
  }
  let scenarios: Scenario[] = [];
  try {
    scenarios = await prepareRun(only && only.length > 0 ? only : MIGRATION_PATHS, flags, true);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(...error.problems);
  }
  const plan = comparisonCells(scenarios, selection);
  problems.push(...plan.problems);
  const driver = chosenDriver(flags);
  problems.push(...driver.scenarioProblems(plan.cells.map((c) => c.scenario)));
  if (problems.length > 0) throw new InputError(problems);
  const kernels = driver.kernelsFor(flags);
  ctx.say(`resetlab: comparing kube-proxy ${plan.axis}s ${plan.columns.join(' -> ')}: ${scenarios.length} paths x ${plan.columns.length} on ${kernels.length} kernel(s)`);

  const dirs = new Map<object, string>();
  const reports = await runScenarios(ctx, plan.cells.map((c) => c.scenario), flags, (r, dir) => dirs.set(r, dir));
  const outDir = flags.out ?? DEFAULT_OUT;
  const createdAt = new Date().toISOString();
  const regressions: string[] = [];
  const docs = [];
  for (const [k, kernel] of kernels.entries()) {
    const mdir = await createFreshDir(outDir, createdAt, 'comparison');
    const inputs: ComparisonCellInput[] = plan.cells.map((c, i) => {
      const report = reports[k * plan.cells.length + i] ?? null;
      const dir = report ? dirs.get(report) : undefined;
      return { scenario: c.scenario.name, topology: c.scenario.topology, column: c.column, report, reportDir: dir ? relative(mdir, dir) : null };
    });
    const measuredKernel = inputs.find((i) => i.report)?.report?.environment.kernel ?? kernel;
    const doc = buildComparison(inputs, { axis: plan.axis, columns: plan.columns, kernel: measuredKernel, driver: driver.name, createdAt });
    await writeAtomic(join(mdir, 'comparison.json'), JSON.stringify(doc, null, 2) + '\n');
    await writeAtomic(join(mdir, 'comparison.md'), renderComparisonMarkdown(doc));
    await writeAtomic(join(mdir, 'comparison.html'), renderComparisonHtml(doc));
    await writeAtomic(join(mdir, 'junit.xml'), renderComparisonJUnit(doc));
    if (flags.junit) await writeAtomic(flags.junit, renderComparisonJUnit(doc));
    ctx.say(`resetlab: wrote ${mdir}/ (comparison.json, comparison.md, comparison.html, junit.xml)`);
    regressions.push(...doc.regressions.map((r) => `${r} (kernel ${measuredKernel})`));
    docs.push(doc);
    (flags.json ? process.stderr : process.stdout).write('\n' + renderComparisonText(doc));
  }
  if (flags.json) process.stdout.write(JSON.stringify(docs.length === 1 ? docs[0] : { schema: 'resetlab/comparisons@1', comparisons: docs }, null, 2) + '\n');
  if (ctx.signal.aborted) throw new InterruptedError(String(ctx.signal.reason ?? 'signal'));
  if (regressions.length > 0) throw new GateError(`migration gate: ${regressions.join('; ')}`);
}
