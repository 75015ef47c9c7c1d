/**
 * The topology knobs a driver needs from a scenario (a structural subset of the scenario's
 * `topology`, so labs do not depend on the scenario module's full type). Together they pick
 * one of the Service paths users have (see `scenario/schema.ts` TopologySpec):
 * - `client: pod`      a pod on node-a -> ClusterIP (`masquerade: true` = kube-proxy masqueradeAll);
 * - `client: external` a client outside the cluster CIDR whose route to the Service goes via node-a;
 * - `client: node`     a process on node-a itself (node-originated traffic);
 * - `service: nodePort` the client targets node-a's address and NodePort (externalTrafficPolicy Cluster);
 * - `hairpin: true`    the Service's only backend is the client's own pod (it reaches itself).
 * The optional fields default to `clusterIP`, `false` and 30080 (drivers that predate them ignore them).
 * Before a lab exists the scenario schema has validated every field (version, mode at that version).
 */
export interface LabTopology {
  proxyMode: 'auto' | 'ipvs' | 'iptables' | 'nftables';
  client: 'pod' | 'node' | 'external';
  masquerade: boolean;
  /** `auto`: as the kube-proxy version does; `true`/`false`: a lab override. */
  dropInvalid: 'auto' | boolean;
  servicePort: number;
  serverPort: number;
  service?: 'clusterIP' | 'nodePort';
  nodePort?: number;
  hairpin?: boolean;
  /** The modelled kube-proxy release (default: dataplane's DEFAULT_KUBE_PROXY_VERSION); drivers with a real kube-proxy ignore it. */
  kubeProxyVersion?: string;
  /** nf_conntrack_tcp_be_liberal on node-a when kube-proxy started (default 0). */
  beLiberalAtStart?: 0 | 1;
}

/** The NodePort used when the topology does not name one (inside kube-proxy's default 30000-32767). */
export const DEFAULT_NODE_PORT = 30080;

/** A short name of the path a topology describes, e.g. "pod -> ClusterIP (masqueradeAll)". */
export function describePath(t: LabTopology): string {
  const who = t.hairpin ? 'pod -> its own Service (hairpin)' : { pod: 'pod', node: 'node-originated', external: 'client outside the cluster CIDR' }[t.client];
  const target = t.service === 'nodePort' ? `NodePort ${t.nodePort ?? DEFAULT_NODE_PORT} on node-a` : 'ClusterIP';
  return t.hairpin ? `${who}${t.masquerade ? ' (masqueradeAll)' : ''}` : `${who} -> ${target}${t.masquerade ? ' (masqueradeAll)' : ''}`;
}
