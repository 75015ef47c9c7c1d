/**
 * The netns topology as data: which namespaces, links, addresses and routes make
 * `client pod -- node-a == node-b -- server pod`. Pure; `provider.ts` executes it.
 */
import type { NodeRole } from '../lab.js';
import { NETNS_ADDRESSES as A, namespaceName } from './addresses.js';

/** A veth pair created directly inside two run namespaces (never in the host namespace). */
export interface VethPlan {
  a: { role: NodeRole; ifname: string };
  b: { role: NodeRole; ifname: string };
}

/** Everything to create, in order. */
export interface TopologyPlan {
  namespaces: { role: NodeRole; name: string }[];
  veths: VethPlan[];
  /** `ip -batch` lines per namespace role (links up, addresses, routes). */
  ipLines: Partial<Record<NodeRole, string[]>>;
  /** Sysctls every node namespace gets at birth (forwarding). */
  nodeSysctls: Record<string, number>;
}

/** The namespaces (always four: the client pod exists even when the client runs on node-a). */
export const PHYSICAL_ROLES: readonly NodeRole[] = ['client', 'node-a', 'node-b', 'server'];

/**
 * Builds the topology plan for a run prefix. With `client: external` the client namespace
 * gets an address outside the cluster CIDR (192.168.100.10/24, gateway node-a), as a machine
 * that routes the Service range (or a NodePort) through node-a; otherwise a pod address.
 */
export function topologyPlan(prefix: string, client: 'pod' | 'node' | 'external' = 'pod'): TopologyPlan {
  const [clientIp, gateway] = client === 'external' ? [A.externalClient, A.nodeAExternalGateway] : [A.clientPod, A.nodeAPodGateway];
  return {
    namespaces: PHYSICAL_ROLES.map((role) => ({ role, name: namespaceName(prefix, role) })),
    veths: [
      { a: { role: 'node-a', ifname: 'wire0' }, b: { role: 'node-b', ifname: 'wire0' } },
      { a: { role: 'node-a', ifname: 'veth-client' }, b: { role: 'client', ifname: 'eth0' } },
      { a: { role: 'node-b', ifname: 'veth-server' }, b: { role: 'server', ifname: 'eth0' } },
    ],
    ipLines: {
      client: [
        'link set lo up',
        'link set eth0 up',
        `addr add ${clientIp}/24 dev eth0`,
        `route add default via ${gateway}`,
      ],
      'node-a': [
        'link set lo up',
        'link set wire0 up',
        'link set veth-client up',
        `addr add ${A.nodeAWire}/${A.wirePrefixLen} dev wire0`,
        `addr add ${gateway}/24 dev veth-client`,
        `route add ${A.nodeBPodCidr} via ${A.nodeBWire}`,
        // Node-originated traffic to a ClusterIP needs a route before OUTPUT DNAT rewrites it
        // (real nodes have a default route; kube-proxy IPVS mode binds VIPs to kube-ipvs0).
        `route add ${A.serviceCidr} via ${A.nodeBWire}`,
      ],
      'node-b': [
        'link set lo up',
        'link set wire0 up',
        'link set veth-server up',
        `addr add ${A.nodeBWire}/${A.wirePrefixLen} dev wire0`,
        `addr add ${A.nodeBPodGateway}/24 dev veth-server`,
        `route add ${A.nodeAPodCidr} via ${A.nodeAWire}`,
      ],
      server: [
        'link set lo up',
        'link set eth0 up',
        `addr add ${A.serverPod}/24 dev eth0`,
        `route add default via ${A.nodeBPodGateway}`,
      ],
    },
    nodeSysctls: { 'net.ipv4.ip_forward': 1 },
  };
}

/** The argv that creates a veth pair with each end born in its namespace. */
export function vethCommand(prefix: string, v: VethPlan): string[] {
  const nsA = namespaceName(prefix, v.a.role);
  const nsB = namespaceName(prefix, v.b.role);
  return ['ip', '-n', nsA, 'link', 'add', v.a.ifname, 'type', 'veth', 'peer', 'name', v.b.ifname, 'netns', nsB];
}
