/**
 * Finding and removing netns-driver resources by name, so cleanup works after a crash
 * (no in-memory state needed). Deleting a namespace removes its veths, rules, qdiscs and
 * sysctls with it; processes inside are killed first so the namespace really goes away.
 */
import type { Runner } from '../../exec/runner.js';
import { liveOwner, releasePrefix } from '../owner.js';
import { prefixOf } from '../prefix.js';

/** Kills every process in namespace `name`, then deletes it. Missing namespaces are fine. */
export async function deleteNamespace(runner: Runner, name: string): Promise<void> {
  const pids = await runner.run(['ip', 'netns', 'pids', name], { check: false });
  if (pids.exitCode !== 0 && /No such file|does not exist|Invalid/i.test(pids.stderr)) return;
  const list = pids.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p));
  if (list.length > 0) await runner.run(['kill', '-KILL', ...list], { check: false });
  const del = await runner.run(['ip', 'netns', 'del', name], { check: false });
  if (del.exitCode !== 0 && !/No such file/i.test(del.stderr)) {
    throw new Error(`failed to delete network namespace ${name}: ${del.stderr.trim()}`);
  }
}

/** Names of resetlab namespaces on this machine, grouped by run prefix. */
export async function listRunNamespaces(runner: Runner): Promise<Map<string, string[]>> {
  const out = await runner.run(['ip', 'netns', 'list'], { check: false });
  const byPrefix = new Map<string, string[]>();
  for (const line of out.stdout.split('\n')) {
    const name = line.trim().split(/\s+/)[0];
    const prefix = name ? prefixOf(name) : null;
    if (!name || !prefix) continue;
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), name]);
  }
  return byPrefix;
}

/** What `removeLeftovers` did. */
export interface LeftoverReport {
  removed: string[];
  /** Namespaces skipped because a live run owns them: `name (pid N)`. */
  inUse: string[];
  problems: string[];
}

/** Removes the namespaces of runs whose owner is gone (crashed or killed); leaves live runs alone. */
export async function removeLeftovers(runner: Runner): Promise<LeftoverReport> {
  const report: LeftoverReport = { removed: [], inUse: [], problems: [] };
  for (const [prefix, names] of await listRunNamespaces(runner)) {
    const owner = liveOwner(prefix);
    if (owner !== null && owner !== process.pid) {
      report.inUse.push(...names.map((n) => `${n} (pid ${owner})`));
      continue;
    }
    for (const name of names) {
      try {
        await deleteNamespace(runner, name);
        report.removed.push(name);
      } catch (error) {
        report.problems.push((error as Error).message);
      }
    }
    if (owner === null || owner === process.pid) releasePrefix(prefix);
  }
  return report;
}
