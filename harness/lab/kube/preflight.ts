/**
 * The kube driver's decisions before it changes anything (pure): the permissions it asks
 * SelfSubjectAccessReviews for, the two nodes it puts under the scenario's roles, and what
 * it says about a context it will not use. The I/O around them is in discover.ts.
 */
import type { Toleration } from '../cluster/manifests.js';
import type { ClusterNode, Permission } from './facts.js';
import { LOCAL_CONTEXT_NAMES } from './flags.js';

/** Every permission a run needs, asked in the run's namespace `ns` where namespaced. Pure. */
export function runPermissions(ns: string): Permission[] {
  const inNs = (verb: string, resource: string, why: string, extra: Partial<Permission> = {}): Permission => ({ verb, resource, namespace: ns, why, ...extra });
  return [
    { verb: 'list', resource: 'nodes', why: 'choose two Ready nodes and read their kernels' },
    { verb: 'create', resource: 'namespaces', why: "create the run's namespace" },
    { verb: 'patch', resource: 'namespaces', why: 'record the original sysctl values on the namespace' },
    { verb: 'delete', resource: 'namespaces', why: "remove the run's namespace (and everything in it)" },
    { verb: 'list', resource: 'namespaces', why: 'find namespaces of dead runs (resetlab cleanup)' },
    inNs('create', 'pods', 'start the node agent'),
    inNs('list', 'pods', 'locate the pods'),
    inNs('create', 'pods', 'run the agents in the pods (kubectl exec; needed since v1.35)', { subresource: 'exec' }),
    inNs('get', 'pods', 'read the node agent\'s restore lines', { subresource: 'log' }),
    inNs('create', 'deployments', 'start the server and client pods', { group: 'apps' }),
    inNs('patch', 'deployments', 'kubectl apply of the workloads', { group: 'apps' }),
    inNs('create', 'services', "create the run's ClusterIP Service"),
    inNs('list', 'endpointslices', "wait for the Service's endpoint", { group: 'discovery.k8s.io' }),
    { verb: 'get', resource: 'configmaps', name: 'kube-proxy', namespace: 'kube-system', why: "read kube-proxy's mode and masqueradeAll", optional: true },
    { verb: 'list', resource: 'pods', namespace: 'kube-system', why: "read kube-proxy's version (its pod's image)", optional: true },
  ];
}

/** The two nodes under the roles, with the tolerations their taints need. */
export interface NodeChoice {
  a: ClusterNode;
  b: ClusterNode;
  tolerations: { a: Toleration[]; b: Toleration[] };
  /** How they were chosen, for the confirmation line. */
  how: string;
}

/** Taints that keep pods away (PreferNoSchedule does not). */
const blocking = (n: ClusterNode) => n.taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');

/** Tolerations for exactly the blocking taints of `n`. Pure. */
export function tolerationsFor(n: ClusterNode): Toleration[] {
  return blocking(n).map((t) => ({ key: t.key, operator: 'Exists', effect: t.effect }));
}

/**
 * Chooses node A and node B (see module doc). Given names must exist, be Ready and Linux.
 * Otherwise: Ready, schedulable Linux nodes, those without blocking taints first (a worker
 * over a control plane), then by name; node A is the first. Returns problems instead when
 * fewer than two nodes qualify. Pure.
 */
export function chooseNodes(nodes: readonly ClusterNode[], given: [string, string] | null): NodeChoice | { problems: string[] } {
  const usable = (n: ClusterNode) => n.ready && !n.unschedulable && (n.os === null || n.os === 'linux');
  const finish = (a: ClusterNode, b: ClusterNode, how: string): NodeChoice => ({ a, b, how, tolerations: { a: tolerationsFor(a), b: tolerationsFor(b) } });
  if (given) {
    const problems: string[] = [];
    const found = given.map((name) => {
      const n = nodes.find((x) => x.name === name);
      if (!n) problems.push(`node "${name}" is not in the cluster (it has ${nodes.map((x) => x.name).join(', ') || 'no nodes'})`);
      else if (!usable(n)) problems.push(`node "${name}" is not usable: ${!n.ready ? 'not Ready' : n.unschedulable ? 'cordoned' : `its OS is ${n.os}`}`);
      return n;
    });
    if (problems.length > 0) return { problems };
    return finish(found[0]!, found[1]!, 'given with --nodes');
  }
  const candidates = nodes.filter(usable).sort((x, y) => blocking(x).length - blocking(y).length || x.name.localeCompare(y.name));
  if (candidates.length < 2) {
    const ready = nodes.filter((n) => n.ready).length;
    return { problems: [`the cluster needs at least 2 Ready, schedulable Linux nodes (the failure is cross-node); it has ${nodes.length} node(s), ${ready} Ready`] };
  }
  const [a, b] = candidates as [ClusterNode, ClusterNode];
  return finish(a, b, blocking(b).length > 0 ? `chosen (node B carries taints ${blocking(b).map((t) => t.key).join(', ')}; its pod tolerates them)` : 'chosen (the first two Ready nodes without taints)');
}

/** The refusal for a context that does not look local (one sentence, exit 2). Pure. */
export function contextRefusal(context: string, server: string | null): string {
  return (
    `refusing context "${context}"${server ? ` (${server})` : ''}: it does not look like a cluster on this machine (${LOCAL_CONTEXT_NAMES}); ` +
    `resetlab changes a node's sysctls and rules there, so pass --allow-context ${context} if that is what you want`
  );
}
