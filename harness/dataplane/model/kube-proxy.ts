/**
 * What the modelled data planes copy from kube-proxy, in one place (version-dependent rules are
 * decided in `versions.ts` / `resolve.ts` and reach the builders as `ProxyKnobs`). The rules
 * follow pkg/proxy/iptables/proxier.go, pkg/proxy/nftables/proxier.go and
 * pkg/proxy/ipvs/proxier.go: the masquerade mark 0x4000/0x4000 (`--iptables-masquerade-bit`
 * 14), MASQUERADE `--random-fully` in KUBE-POSTROUTING, masquerading of sources outside
 * `--cluster-cidr` (the local-traffic detector) and of NodePort traffic
 * (externalTrafficPolicy: Cluster), hairpin masquerade for an endpoint reaching itself, and
 * `masqueradeAll`. Pure constants and helpers.
 */

/** kube-proxy's masquerade mark (bit 14) as `value/mask`, and its value alone. */
export const MASQ_MARK = '0x4000/0x4000';
export const MASQ_BIT = '0x4000';

/** Knobs the rule builders need besides the path (from `resolveKubeProxy`). */
export interface ProxyKnobs {
  /** kube-proxy `masqueradeAll`: SNAT every Service connection. */
  masquerade: boolean;
  /** Write the INVALID drop (as the version does in iptables mode, or as a lab override). */
  dropInvalid: boolean;
  /** KUBE-MARK-MASQ's mark op: `or` (`--or-mark 0x4000`, v1.21+) or `set-xmark` (v1.20: `--set-xmark 0x4000/0x4000`). Default `or`. */
  markOp?: 'or' | 'set-xmark';
  /** KUBE-FORWARD's RELATED,ESTABLISHED accepts: one (v1.21+) or two, pod source and pod destination rules, with no address match (v1.20, as the real v1.20.2 binary wrote them). Default `single`. */
  forwardConntrack?: 'single' | 'pod-source-and-destination';
  /** IPVS mode's version-dependent chains and sets (ipvs.ts `ipvsFlavour`); default: every one (current versions). */
  ipvs?: IpvsFlavour;
}

/** Which of IPVS mode's later chains, rules and sets a version writes (versions.ts FACTS.ipvs*). */
export interface IpvsFlavour {
  healthCheckNodePort: boolean;
  proxyFirewall: boolean;
  accessFilter: boolean;
  localhostReturn: boolean;
  outFilter: boolean;
  externalLocalReturn: boolean;
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
 * The sysctls kube-proxy's IPVS proxier sets at start (NewProxier, v1.21 and later): net.ipv4.vs.conntrack=1,
 * expire_nodest_conn=1, expire_quiescent_template=1, ip_forward=1, and conn_reuse_mode=0 only on
 * kernels 4.1 to 5.8 (5.9 fixed the connection-reuse stall). `strictARP` (arp_ignore=1,
 * arp_announce=2) is off by default in kube-proxy and kind, so it is not set. Pure.
 */
export function ipvsSysctls(kernelRelease: string, kubeProxyMinor = 37): Record<string, number> {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease);
  const v = m ? Number(m[1]) * 1000 + Number(m[2]) : 0;
  // v1.20.2 set conn_reuse_mode=0 on every kernel (measured on 6.1, KNOWLEDGE.md §5).
  const reuse = kubeProxyMinor <= 20 || (v >= 4001 && v < 5009);
  return {
    'net.ipv4.vs.conntrack': 1,
    'net.ipv4.vs.expire_nodest_conn': 1,
    'net.ipv4.vs.expire_quiescent_template': 1,
    'net.ipv4.ip_forward': 1,
    ...(reuse ? { 'net.ipv4.vs.conn_reuse_mode': 0 } : {}),
  };
}
