/**
 * Finding and removing kind-driver resources by name and label, so cleanup works after a
 * crash: our containers labelled `resetlab.prefix=<prefix>` (through the container layer),
 * the run's Kubernetes namespace (named after the prefix) in a kept cluster, and clusters
 * named after a run prefix (`rl-xxxxxx`, created without --keep-cluster) whose owner process
 * is gone. Containers of dead runs without a cluster are the container layer's
 * (`resetlab cleanup` sweeps them wherever an engine answers).
 */
import { testcontainersEngine, type ContainerEngine } from '../../containers/engine.js';
import type { Runner } from '../../exec/runner.js';
import { liveOwner, releasePrefix } from '../owner.js';
import { kindContext } from './config.js';
import { stopToolboxes, type AgentContainers } from './node.js';
import { parseKindClusters } from './parse-runtime.js';

/** Stops the lab's toolboxes through their handles, then removes every container labelled with its prefix; throws the problems. */
export async function removeRunContainers(c: AgentContainers): Promise<void> {
  const problems = await stopToolboxes(c);
  await c.engine.removePrefixContainers(c.prefix);
  if (problems.length > 0) throw new Error(problems.join('; '));
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
 * Removes the clusters dead runs created (named after their prefix), their labelled
 * containers first. Kept clusters (any other name) are never deleted; a live run's
 * resources are left alone.
 */
export async function removeKindLeftovers(runner: Runner, engine: ContainerEngine = testcontainersEngine): Promise<KindLeftoverReport> {
  const report: KindLeftoverReport = { removed: [], inUse: [], problems: [] };
  const clusters = await runner.run(['kind', 'get', 'clusters'], { check: false });
  const prefixes = new Set(parseKindClusters(clusters.stdout).filter((c) => RUN_CLUSTER.test(c)));
  const clusterNames = new Set(parseKindClusters(clusters.stdout));
  for (const prefix of prefixes) {
    const owner = liveOwner(prefix);
    if (owner !== null && owner !== process.pid) {
      report.inUse.push(`${prefix} (pid ${owner})`);
      continue;
    }
    try {
      await engine.removePrefixContainers(prefix);
      if (clusterNames.has(prefix)) await deleteCluster(runner, prefix);
      report.removed.push(prefix);
    } catch (error) {
      report.problems.push((error as Error).message);
    }
    if (owner === null) releasePrefix(prefix);
  }
  return report;
}
