/**
 * `resetlab bench rps [--masks 0,1,2,3] [--scenario none] [--liberal 0,1] [--trials N]
 * [--duration 5s] [--out DIR] [--json]`: one arm per RPS mask (crossed with be_liberal values
 * when asked) on one netns lab, interleaved and counterbalanced over the trials. Flags, masks
 * (against this machine's CPU count) and the scenario are validated before anything is
 * created (exit 2). Prints the table and significance statements (or bench.json with --json).
 * Interrupted: what was measured is written and printed (no comparison), then exit 130.
 */
import { cpus } from 'node:os';
import { asInterrupted, throwIfInterrupted } from '../../bench/interrupt.js';
import { runRpsBench } from '../../bench/rps/run.js';
import { planRpsBench, type BenchRpsFlags } from '../../bench/rps/plan.js';
import { renderRpsTerminal } from '../../bench/rps/render.js';
import { provisionNetnsLab } from '../../lab/netns/provider.js';
import { newPrefix } from '../../lab/prefix.js';
import type { CliContext } from '../context.js';
import { BUILTIN_DIR, DEFAULT_OUT } from '../paths.js';
import { progressPrinter } from '../progress.js';
import { removeNetnsLeftoversLoudly as removeLeftoversLoudly } from '../../lab/netns/leftovers.js';
import { checkNetnsPreconditions } from './run.js';

/** The `bench rps` command. */
export async function benchRpsCommand(ctx: CliContext, flags: BenchRpsFlags): Promise<void> {
  const plan = await planRpsBench(flags, cpus().length, BUILTIN_DIR);
  checkNetnsPreconditions();
  await removeLeftoversLoudly(ctx);
  const arms = plan.scenario.arms.length;
  ctx.say(
    `resetlab: RPS benchmark: ${arms} arms (${plan.scenario.arms.map((a) => a.name).join(', ')}) x ${plan.trials} trials of ` +
      `${plan.durationMs / 1000}s on one lab, scenario ${plan.scenario.name}; about ${Math.ceil((arms * plan.trials * (plan.durationMs / 1000 + 2)) / 60)} min`,
  );
  let result: Awaited<ReturnType<typeof runRpsBench>>;
  try {
    result = await runRpsBench(plan, {
      provision: (topology) => provisionNetnsLab({ prefix: newPrefix(), topology, runner: ctx.runner }),
      runner: ctx.runner,
      outDir: flags.out ?? DEFAULT_OUT,
      signal: ctx.signal,
      progress: progressPrinter(ctx.tty),
    });
  } catch (error) {
    // The pipeline cleans up before it throws; a failure caused by the signal is an interruption (exit 130).
    const out = asInterrupted(error, ctx.signal);
    if (out !== error) ctx.say(`resetlab: stopped by the interruption: ${error instanceof Error ? error.message : String(error)}`);
    throw out;
  }
  const { doc, dir } = result;
  ctx.say(`resetlab: wrote ${dir}/ (bench.json, summary.md, report.html)`);
  process.stdout.write(flags.json ? JSON.stringify(doc, null, 2) + '\n' : '\n' + renderRpsTerminal(doc));
  throwIfInterrupted(ctx.signal);
}
