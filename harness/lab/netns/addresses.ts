import type { NodeRole } from '../lab.js';
/**
 * Fixed lab addressing. These addresses exist only inside the run's own namespaces (each
 * run has its own namespaces, so concurrent runs never share them) and are never routed
 * to or from the host. Shaped like a kind cluster: pod CIDRs 10.244.N.0/24 inside the
 * cluster CIDR 10.244.0.0/16, ClusterIP range 10.96.0.0/16, node network 172.18.0.0/24.
 * An `external` client (outside the cluster CIDR) sits on 192.168.100.0/24 behind node-a.
 */
export const NETNS_ADDRESSES = {
  clientPod: '10.244.1.10',
  nodeAPodGateway: '10.244.1.1',
  nodeAPodCidr: '10.244.1.0/24',
  externalClient: '192.168.100.10',
  nodeAExternalGateway: '192.168.100.1',
  nodeAWire: '172.18.0.2',
  nodeBWire: '172.18.0.3',
  wirePrefixLen: 24,
  serverPod: '10.244.2.10',
  nodeBPodGateway: '10.244.2.1',
  nodeBPodCidr: '10.244.2.0/24',
  clusterCidr: '10.244.0.0/16',
  serviceVip: '10.96.0.10',
  serviceCidr: '10.96.0.0/16',
} as const;

/** Namespace names of a run: `<prefix>-<role>`, e.g. `rl-3fa2c1-node-a` (<= 15 chars not required for netns). */
export function namespaceName(prefix: string, role: NodeRole): string {
  return `${prefix}-${role}`;
}
