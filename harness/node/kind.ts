/**
 * `node check --driver kind`: the same check on each kind node, read through
 * `docker exec <node> cat|ls|test` (`DockerNodeFs`). Refuses with `UnsupportedError`
 * (exit 2) when no Docker engine answers. Read-only; nothing to clean up.
 */
import { UnsupportedError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { checkNode, type NodeCheckReport } from './check.js';
import { DockerNodeFs } from './docker-node-fs.js';

/** The label kind puts on every node container. */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

/** Throws `UnsupportedError` unless a Docker engine answers `docker info`. */
export async function requireDockerEngine(runner: Runner): Promise<void> {
  const info = await runner.run(['docker', 'info', '--format', '{{.ServerVersion}}'], { check: false, timeoutMs: 10_000 }).catch(() => null);
  if (!info || info.exitCode !== 0 || info.stdout.trim() === '') {
    throw new UnsupportedError('--driver kind needs a running Docker engine, and none answers `docker info` on this machine.');
  }
}

/** Names of the running node containers of a kind cluster (`docker ps` by label), sorted. */
export async function listKindNodes(runner: Runner, cluster: string): Promise<string[]> {
  const ps = await runner.run(['docker', 'ps', '--filter', `label=${KIND_CLUSTER_LABEL}=${cluster}`, '--format', '{{.Names}}']);
  return ps.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '').sort();
}

/** Checks each node in turn (in the order given). */
export async function checkKindNodes(runner: Runner, nodes: readonly string[]): Promise<NodeCheckReport[]> {
  const reports: NodeCheckReport[] = [];
  for (const node of nodes) reports.push(await checkNode(new DockerNodeFs(runner, node)));
  return reports;
}
