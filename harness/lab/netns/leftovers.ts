/**
 * Removing what dead netns runs left behind (namespaces by prefix, agent processes, stale
 * owner files) and saying so on stderr. Runs call it before they start; `resetlab cleanup`
 * calls it with `always` to also say when there was nothing to do.
 */
import type { Runner } from '../../exec/runner.js';
import { killOrphanAgents } from '../leftover-processes.js';
import { removeStaleOwnerFiles } from '../owner.js';
import { removeLeftovers } from './cleanup.js';
import { removeControlPlaneLeftovers } from '../../dataplane/real/leftovers.js';

/** Removes leftovers and says what it did; returns the number of namespaces removed. */
export async function removeNetnsLeftoversLoudly(ctx: { runner: Runner; say(line: string): void }, always = false): Promise<number> {
  const orphans = killOrphanAgents();
  const report = await removeLeftovers(ctx.runner);
  const kube = removeControlPlaneLeftovers();
  const stale = removeStaleOwnerFiles();
  if (kube.length > 0) ctx.say(`resetlab: removed control-plane folder(s) of runs that did not finish: ${kube.join(', ')}`);
  if (report.removed.length > 0) {
    ctx.say(`resetlab: removed ${report.removed.length} namespace(s) left by an earlier run that did not finish: ${report.removed.join(', ')}`);
  }
  if (orphans.length > 0) ctx.say(`resetlab: killed ${orphans.length} agent process(es) of runs that did not finish: ${orphans.join(', ')}`);
  if (report.inUse.length > 0) ctx.say(`resetlab: left alone (a live run owns them): ${report.inUse.join(', ')}`);
  if (stale.length > 0 && always) ctx.say(`resetlab: removed stale owner files: ${stale.join(', ')}`);
  for (const p of report.problems) ctx.say(`resetlab: ${p}`);
  if (always && report.removed.length === 0 && orphans.length === 0 && report.problems.length === 0) ctx.say('resetlab: no namespaces or agents to clean up');
  if (report.problems.length > 0) throw new Error(`failed to remove every leftover (${report.problems.length} problem(s))`);
  return report.removed.length;
}
