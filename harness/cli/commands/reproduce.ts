/**
 * `resetlab reproduce` (what `npm run reproduce` runs): the built-in `over-window` scenario
 * and the clean-load control `none` on the default driver, each with liberal=0 then
 * liberal=1; prints both tables and verdicts, and the time to verdict (setup included).
 */
import { InterruptedError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { prepareRun, runScenarios, type RunFlags } from './run.js';

/** The scenarios `reproduce` runs, in order. */
export const REPRODUCE_SCENARIOS = ['over-window', 'none'];

/** The `reproduce` command. */
export async function reproduceCommand(ctx: CliContext, flags: RunFlags): Promise<void> {
  const t0 = performance.now();
  const scenarios = await prepareRun(REPRODUCE_SCENARIOS, flags);
  const reports = await runScenarios(ctx, scenarios, flags);
  const seconds = (performance.now() - t0) / 1000;
  const lines = reports.map((r) => `  ${r.scenario.name.padEnd(12)} ${r.verdict.outcome}${r.complete ? '' : ' (incomplete)'}`);
  const summary = ['Summary', ...lines, `Time to verdict: ${seconds.toFixed(1)} s (${reports.length} scenarios, setup and teardown included)`, ''].join('\n');
  if (flags.json) {
    process.stdout.write(JSON.stringify({ schema: 'resetlab/runs@1', timeToVerdictSec: seconds, runs: reports }, null, 2) + '\n');
    process.stderr.write(summary);
  } else {
    process.stdout.write(summary);
  }
  if (ctx.signal.aborted) throw new InterruptedError(String(ctx.signal.reason ?? 'signal'));
}
