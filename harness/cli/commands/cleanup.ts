/**
 * `resetlab cleanup`: removes everything left by runs that are no longer alive (found by
 * the `rl-xxxxxx-` prefix), leaving runs still going in other shells alone. Runs also call
 * this before they start.
 */
import { removeLeftovers } from '../../lab/netns/cleanup.js';
import { UnsupportedError } from '../../errors.js';
import { kindPreconditions } from '../../lab/kind/preconditions.js';
import { killOrphanAgents } from '../../lab/leftover-processes.js';
import { liveOwner, removeStaleOwnerFiles } from '../../lab/owner.js';
import { removeStaleTempFiles } from '../../report/write.js';
import type { CliContext } from '../context.js';
import { DEFAULT_OUT } from '../paths.js';
import { removeKindLeftoversLoudly } from './kind-driver.js';

/** Removes leftovers and says what it did on stderr; returns the number removed. */
export async function removeLeftoversLoudly(ctx: CliContext, always = false): Promise<number> {
  const orphans = killOrphanAgents();
  const report = await removeLeftovers(ctx.runner);
  const stale = removeStaleOwnerFiles();
  if (report.removed.length > 0) {
    ctx.say(`resetlab: removed ${report.removed.length} namespace(s) left by an earlier run that did not finish: ${report.removed.join(', ')}`);
  }
  if (orphans.length > 0) ctx.say(`resetlab: killed ${orphans.length} agent process(es) of runs that did not finish: ${orphans.join(', ')}`);
  if (report.inUse.length > 0) ctx.say(`resetlab: left alone (a live run owns them): ${report.inUse.join(', ')}`);
  if (stale.length > 0 && always) ctx.say(`resetlab: removed stale owner files: ${stale.join(', ')}`);
  for (const p of report.problems) ctx.say(`resetlab: ${p}`);
  if (always && report.removed.length === 0 && orphans.length === 0 && report.problems.length === 0) ctx.say('resetlab: nothing to clean up');
  if (report.problems.length > 0) throw new Error(`failed to remove every leftover (${report.problems.length} problem(s))`);
  return report.removed.length;
}

/**
 * Containers of dead runs (label `resetlab.prefix`), wherever a container engine answers
 * (with or without kind; Ryuk may be off). Loads testcontainers only here.
 */
async function removeContainerLeftoversLoudly(ctx: CliContext): Promise<void> {
  const { containerEngineReachable } = await import('../../containers/runtime.js');
  if (!(await containerEngineReachable())) return;
  const { testcontainersEngine } = await import('../../containers/engine.js');
  const report = await testcontainersEngine.removeLeftovers(liveOwner);
  if (report.removed.length > 0) ctx.say(`resetlab: removed containers of runs that did not finish: ${report.removed.join('; ')}`);
  if (report.inUse.length > 0) ctx.say(`resetlab: left alone (a live run owns their containers): ${report.inUse.join(', ')}`);
  for (const p of report.problems) ctx.say(`resetlab: ${p}`);
  if (report.problems.length > 0) throw new Error(`failed to remove every leftover container (${report.problems.length} problem(s))`);
}

/** The `cleanup` command: leftovers of dead runs, plus temporary files killed writers left in results/. */
export async function cleanupCommand(ctx: CliContext): Promise<void> {
  if (process.getuid?.() !== 0) throw new UnsupportedError('resetlab cleanup needs root (network namespaces): run it as root');
  await removeLeftoversLoudly(ctx, true);
  await removeContainerLeftoversLoudly(ctx);
  // kind leftovers (labelled containers, run-named clusters) only where kind can run at all.
  if ((await kindPreconditions(ctx.runner)).length === 0) await removeKindLeftoversLoudly(ctx);
  const temps = await removeStaleTempFiles(DEFAULT_OUT);
  if (temps.length > 0) ctx.say(`resetlab: removed ${temps.length} temporary file(s) of interrupted writes: ${temps.join(', ')}`);
}
