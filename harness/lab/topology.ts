/**
 * The topology knobs a driver needs from a scenario (a structural subset of the scenario's
 * `topology`, so labs do not depend on the scenario module's full type).
 */
export interface LabTopology {
  proxyMode: 'auto' | 'ipvs' | 'iptables' | 'nftables';
  client: 'pod' | 'node';
  masquerade: boolean;
  dropInvalid: boolean;
  servicePort: number;
  serverPort: number;
}
