/**
 * The one Service a data plane programs on node-a: its addresses, ports, endpoint and the
 * cluster CIDR, as data. Drivers resolve it from the scenario's topology (the netns driver in
 * lab/netns/service-path.ts); the modelled and the real kube-proxy both consume it, so both
 * program the same Service. Types only.
 */
import type { NodeRole } from '../lab/node-role.js';

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
