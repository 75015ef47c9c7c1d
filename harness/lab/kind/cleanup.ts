/**
 * Finding and removing kind-driver resources by name and label, so cleanup works after a
 * crash: agent containers labelled `resetlab.prefix=<prefix>`, the run's Kubernetes
 * namespace (named after the prefix) in a kept cluster, and clusters named after a run
 * prefix (`rl-xxxxxx`, created without --keep-cluster) whose owner process is gone.
 */
import type { Runner } from '../../exec/runner.js';
import { liveOwner, releasePrefix } from '../owner.js';
import { kindContext } from './config.js';
import { PREFIX_LABEL } from './manifests.js';
import { parseKindClusters } from './parse-runtime.js';

/** Force-removes every container labelled with `prefix` (running agents included). Missing ones are fine. */
export async function removeLabelledContainers(runner: Runner, prefix: string): Promise<void> {
  const ids = await runner.run(['docker', 'ps', '-aq', '--filter', `label=${PREFIX_LABEL}=${prefix}`]);
  const list = ids.stdout.split(/\s+/).filter((id) => id !== '');
  if (list.length === 0) return;
  const rm = await runner.run(['docker', 'rm', '-f', ...list], { check: false });
  if (rm.exitCode !== 0 && !/No such container/i.test(rm.stderr)) {
    throw new Error(`failed to remove containers labelled ${PREFIX_LABEL}=${prefix}: ${rm.stderr.trim()}`);
  }
}

/** Deletes the run's namespace in a kept cluster (does not wait for it to go). */
export async function deleteRunNamespace(runner: Runner, cluster: string, namespace: string): Promise<void> {
  await runner.run(['kubectl', '--context', kindContext(cluster), 'delete', 'namespace', namespace, '--ignore-not-found', '--wait=false'], {
    timeoutMs: 60_000,
  });
}

/** Deletes a kind cluster (its node containers and kubeconfig context). Deleting a missing cluster succeeds. */
export async function deleteCluster(runner: Runner, cluster: string): Promise<void> {
  await runner.run(['kind', 'delete', 'cluster', '--name', cluster], { timeoutMs: 180_000 });
}

/** A run-owned cluster name is exactly a run prefix. */
const RUN_CLUSTER = /^rl-[0-9a-f]{6}$/;

/** What `removeKindLeftovers` did. */
export interface KindLeftoverReport {
  removed: string[];
  inUse: string[];
  problems: string[];
}

/**
 * Removes what dead runs left: their labelled containers and the clusters they created
 * (named after their prefix). Kept clusters (any other name) are never deleted; a live
 * run's resources are left alone.
 */
export async function removeKindLeftovers(runner: Runner): Promise<KindLeftoverReport> {
  const report: KindLeftoverReport = { removed: [], inUse: [], problems: [] };
  const labelled = await runner.run(['docker', 'ps', '-a', '--filter', `label=${PREFIX_LABEL}`, '--format', `{{.Label "${PREFIX_LABEL}"}}`], { check: false });
  const clusters = await runner.run(['kind', 'get', 'clusters'], { check: false });
  const prefixes = new Set([
    ...labelled.stdout.split('\n').map((l) => l.trim()).filter((l) => RUN_CLUSTER.test(l)),
    ...parseKindClusters(clusters.stdout).filter((c) => RUN_CLUSTER.test(c)),
  ]);
  const clusterNames = new Set(parseKindClusters(clusters.stdout));
  for (const prefix of prefixes) {
    const owner = liveOwner(prefix);
    if (owner !== null && owner !== process.pid) {
      report.inUse.push(`${prefix} (pid ${owner})`);
      continue;
    }
    try {
      await removeLabelledContainers(runner, prefix);
      if (clusterNames.has(prefix)) await deleteCluster(runner, prefix);
      report.removed.push(prefix);
    } catch (error) {
      report.problems.push((error as Error).message);
    }
    if (owner === null) releasePrefix(prefix);
  }
  return report;
}
