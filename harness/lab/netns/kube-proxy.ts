/**
 * What the netns data planes copy from kube-proxy, in one place. The rules follow kube-proxy
 * v1.31 (pkg/proxy/iptables/proxier.go, pkg/proxy/nftables/proxier.go,
 * pkg/proxy/ipvs/proxier.go): the masquerade mark 0x4000/0x4000 (`--iptables-masquerade-bit`
 * 14), MASQUERADE `--random-fully` in KUBE-POSTROUTING, masquerading of sources outside
 * `--cluster-cidr` (the local-traffic detector) and of NodePort traffic
 * (externalTrafficPolicy: Cluster), hairpin masquerade for an endpoint reaching itself, and
 * `masqueradeAll`. Pure constants and helpers.
 */

/** The kube-proxy version whose rules the netns data planes mirror. */
export const KUBE_PROXY_REFERENCE = 'v1.31';

/** kube-proxy's masquerade mark (bit 14) as `value/mask`, and its value alone. */
export const MASQ_MARK = '0x4000/0x4000';
export const MASQ_BIT = '0x4000';

/** Knobs the data planes need besides the path. */
export interface ProxyKnobs {
  /** kube-proxy `masqueradeAll`: SNAT every Service connection. */
  masquerade: boolean;
  /** Add the INVALID-drop rule (kube-proxy iptables mode's KUBE-FORWARD rule; a lab knob in the other modes). */
  dropInvalid: boolean;
}

/** The Service name rules mention in comments, e.g. `rl-0a1b2c/server:http`. */
export function serviceName(prefix: string): string {
  return `${prefix}/server:http`;
}

/** A chain-name suffix unique to the run, e.g. `RL0A1B2C` (kube-proxy uses a hash there). */
export function chainTag(prefix: string): string {
  return prefix.replace(/-/g, '').toUpperCase();
}

/**
 * The sysctls kube-proxy's IPVS proxier sets at start (v1.31 NewProxier): net.ipv4.vs.conntrack=1,
 * expire_nodest_conn=1, expire_quiescent_template=1, ip_forward=1, and conn_reuse_mode=0 only on
 * kernels 4.1 to 5.8 (5.9 fixed the connection-reuse stall). `strictARP` (arp_ignore=1,
 * arp_announce=2) is off by default in kube-proxy and kind, so it is not set. Pure.
 */
export function ipvsSysctls(kernelRelease: string): Record<string, number> {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease);
  const v = m ? Number(m[1]) * 1000 + Number(m[2]) : 0;
  return {
    'net.ipv4.vs.conntrack': 1,
    'net.ipv4.vs.expire_nodest_conn': 1,
    'net.ipv4.vs.expire_quiescent_template': 1,
    'net.ipv4.ip_forward': 1,
    ...(v >= 4001 && v < 5009 ? { 'net.ipv4.vs.conn_reuse_mode': 0 } : {}),
  };
}
