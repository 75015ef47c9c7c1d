/**
 * Which addresses and namespaces one Service path uses in the netns lab, derived from the
 * topology knobs. Pure; the data planes (`dataplane-*.ts`), the topology plan and the
 * provider all read it, so they always agree.
 */
import type { NodeRole } from '../lab.js';
import { DEFAULT_NODE_PORT, type LabTopology } from '../topology.js';
import { NETNS_ADDRESSES as A } from './addresses.js';

/** The resolved path. */
export interface ServicePath {
  /** ClusterIP or NodePort. */
  service: 'clusterIP' | 'nodePort';
  /** The ClusterIP and its port (a NodePort Service has one too). */
  vip: string;
  servicePort: number;
  /** The NodePort (only with `service: nodePort`). */
  nodePort?: number;
  /** node-a's addresses a NodePort answers on (its node address and the address facing the client). */
  nodeIps: string[];
  /** Where the load connects: the VIP and port, or node-a's node address and the NodePort. */
  target: { ip: string; port: number };
  /** The Service's one endpoint (the server pod, or the client's own pod with hairpin). */
  backend: { ip: string; port: number };
  /** Whether the endpoint runs on node-a (hairpin): kube-proxy then also masquerades loop-back traffic. */
  backendLocal: boolean;
  /** Namespace roles that run the load and the server. */
  clientRole: NodeRole;
  serverRole: NodeRole;
  /** The client's source address as it leaves the client (before any masquerade). */
  clientIp: string;
  /** node-a's address on the client's link (the client's gateway). */
  clientGateway: string;
  /** kube-proxy's cluster CIDR (`--cluster-cidr`): sources outside it are masqueraded. */
  clusterCidr: string;
}

/** Resolves the path of a topology. Callers validate the topology first (schema). */
export function servicePath(t: LabTopology): ServicePath {
  const service = t.service ?? 'clusterIP';
  const hairpin = t.hairpin === true;
  const clientGateway = t.client === 'external' ? A.nodeAExternalGateway : A.nodeAPodGateway;
  const nodePort = service === 'nodePort' ? (t.nodePort ?? DEFAULT_NODE_PORT) : undefined;
  const clientIp = t.client === 'external' ? A.externalClient : t.client === 'node' ? A.nodeAWire : A.clientPod;
  const backendIp = hairpin ? A.clientPod : A.serverPod;
  return {
    service,
    vip: A.serviceVip,
    servicePort: t.servicePort,
    ...(nodePort !== undefined ? { nodePort } : {}),
    nodeIps: [A.nodeAWire, clientGateway],
    target: nodePort !== undefined ? { ip: A.nodeAWire, port: nodePort } : { ip: A.serviceVip, port: t.servicePort },
    backend: { ip: backendIp, port: t.serverPort },
    backendLocal: hairpin,
    clientRole: t.client === 'node' ? 'node-a' : 'client',
    serverRole: hairpin ? 'client' : 'server',
    clientIp,
    clientGateway,
    clusterCidr: A.clusterCidr,
  };
}
