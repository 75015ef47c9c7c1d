/**
 * kube-proxy as versioned data: which releases the model covers, and every version fact that
 * changes a rule the lab writes, each with its upstream source (file and PR). Pure.
 *
 * Sources were read through the project's `search` tool (stored copies of kubernetes/kubernetes:
 * pkg/proxy/iptables/proxier.go, pkg/proxy/nftables/proxier.go, pkg/proxy/ipvs/proxier.go,
 * cmd/kube-proxy/app/server_linux.go, CHANGELOG/CHANGELOG-1.37.md and -1.38.md) and, for v1.20.2,
 * through Debian's source package and the real binary's rules (KNOWLEDGE.md §5).
 *
 * The default version is v1.37: the newest release whose sources the index holds (CHANGELOG-1.38
 * reads "Changelog since v1.37.0"; v1.38 is at alpha.2, so not a release users run).
 */

/** A kube-proxy minor release, e.g. `{ minor: 37, text: 'v1.37' }` (major is always 1). */
export interface KubeProxyVersion {
  minor: number;
  /** The patch when the user gave one (`v1.20.2`); it never changes a modelled rule. */
  patch?: number;
  /** Canonical text: `v1.<minor>` or `v1.<minor>.<patch>`. */
  text: string;
}

/** Where a fact comes from. */
export interface Citation {
  /** Upstream file (kubernetes/kubernetes unless it names another repository). */
  file: string;
  /** The PR or KEP that introduced it, e.g. `kubernetes#74840`. */
  pr: string;
}

/** The version the model writes when nothing asks for another one. */
export const DEFAULT_KUBE_PROXY_VERSION = 'v1.37';

/** The oldest and newest minors the model covers (IPVS mode is GA since v1.11). */
export const MODELLED_MINORS = { oldest: 11, newest: 37 } as const;

/**
 * Parses `v1.37`, `1.37`, `v1.20.2` (pure). Problems name the range the model covers; a
 * version newer than the newest modelled one is refused rather than guessed.
 */
export function parseKubeProxyVersion(text: string): { version: KubeProxyVersion } | { problem: string } {
  const m = /^v?1\.(\d{1,3})(?:\.(\d{1,3}))?$/.exec(text.trim());
  const range = `v1.${MODELLED_MINORS.oldest} to v1.${MODELLED_MINORS.newest}`;
  if (!m) return { problem: `"${text}" is not a kube-proxy version; expected e.g. v1.37 or v1.20.2 (modelled: ${range})` };
  const minor = Number(m[1]);
  if (minor < MODELLED_MINORS.oldest || minor > MODELLED_MINORS.newest) {
    return { problem: `kube-proxy v1.${minor} is not modelled (modelled: ${range})` };
  }
  const patch = m[2] === undefined ? undefined : Number(m[2]);
  return { version: { minor, ...(patch !== undefined ? { patch } : {}), text: `v1.${minor}${patch !== undefined ? `.${patch}` : ''}` } };
}

/** Like `parseKubeProxyVersion` for text already validated (throws otherwise). */
export function kubeProxyVersion(text: string = DEFAULT_KUBE_PROXY_VERSION): KubeProxyVersion {
  const r = parseKubeProxyVersion(text);
  if ('problem' in r) throw new Error(r.problem);
  return r.version;
}

/** Every fact, with the minor it starts at and its source. */
export const FACTS = {
  /** iptables mode: `-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP`, always, from v1.15. */
  invalidDrop: { since: 15, cite: { file: 'pkg/proxy/iptables/proxier.go (syncProxyRules, KUBE-FORWARD)', pr: 'kubernetes#74840' } },
  /** iptables mode: the drop only when nf_conntrack_tcp_be_liberal is 0 when kube-proxy starts (NewProxier reads it once). */
  invalidDropConditional: { since: 29, cite: { file: 'pkg/proxy/iptables/proxier.go (NewDualStackProxier: sysctlNFConntrackTCPBeLiberal, needConntrackDropRule)', pr: 'kubernetes#120412' } },
  /** `conntrack.tcpBeLiberal` in KubeProxyConfiguration: kube-proxy sets be_liberal=1 itself. */
  tcpBeLiberalOption: { since: 29, cite: { file: 'pkg/proxy/apis/config/types.go (KubeProxyConntrackConfiguration.TCPBeLiberal)', pr: 'kubernetes#120354' } },
  /** nftables mode: alpha v1.29 (feature gate NFTablesProxyMode), beta v1.31, GA v1.33. */
  nftablesMode: { since: 29, cite: { file: 'pkg/proxy/nftables/proxier.go', pr: 'KEP-3866' } },
  /** nftables mode writes no INVALID drop (its filter-forward chain has none). */
  nftablesNoDrop: { since: 29, cite: { file: 'pkg/proxy/nftables/proxier.go (setupNFTables: no ct state invalid drop)', pr: 'kubernetes#122663' } },
  /** IPVS mode never wrote an INVALID drop; IPVS un-NATs from its own connection table. */
  ipvsNoDrop: { since: MODELLED_MINORS.oldest, cite: { file: 'pkg/proxy/ipvs/proxier.go (writeIptablesRules: KUBE-FORWARD without the drop)', pr: 'kubernetes#74840 (iptables mode only)' } },
  /** IPVS mode deprecated: kube-proxy logs "The ipvs proxier is now deprecated ..." at start. */
  ipvsDeprecated: { since: 35, cite: { file: 'cmd/kube-proxy/app/server_linux.go (createProxier)', pr: 'KEP-5495, kubernetes#134539' } },
  /**
   * KUBE-MARK-MASQ as `-j MARK --or-mark 0x4000` (today's source) instead of v1.20's
   * `-j MARK --set-xmark 0x4000/0x4000` (Debian's v1.20.2 tree and its binary). Same bits; the
   * release that changed the text is not pinned here, so the model switches after v1.20.
   */
  orMark: { since: 21, cite: { file: 'pkg/proxy/iptables/proxier.go (KUBE-MARK-MASQ)', pr: 'not pinned (v1.20.2 writes --set-xmark; current source --or-mark)' } },
  /**
   * One `RELATED,ESTABLISHED` accept in KUBE-FORWARD (today) instead of v1.20's two (pod
   * source and pod destination, both matching `--cluster-cidr`). Same switch point as orMark.
   */
  singleForwardConntrack: { since: 21, cite: { file: 'pkg/proxy/iptables/proxier.go (KUBE-FORWARD "kubernetes forwarding conntrack rule")', pr: 'not pinned (v1.20.2 writes two rules; current source one)' } },
  /**
   * IPVS mode's filter chain KUBE-NODE-PORT (`-A INPUT -m comment --comment "kubernetes health
   * check rules" -j KUBE-NODE-PORT`, accepting KUBE-HEALTH-CHECK-NODE-PORT) and that ipset.
   * v1.20.2's ipsetInfo and its binary have neither.
   */
  ipvsHealthCheckNodePort: { since: 21, cite: { file: 'pkg/proxy/ipvs/proxier.go (writeIptablesRules, ipsetInfo)', pr: 'kubernetes#97824' } },
  /**
   * IPVS mode's filter chain KUBE-PROXY-FIREWALL (jumped to from INPUT and FORWARD) replaces
   * the nat chain KUBE-FIREWALL (`-j KUBE-MARK-DROP`) and kube-proxy's use of KUBE-MARK-DROP.
   */
  ipvsProxyFirewall: { since: 25, cite: { file: 'pkg/proxy/ipvs/proxier.go (writeIptablesRules)', pr: 'kubernetes#110628' } },
  /** IPVS mode's filter chain KUBE-IPVS-FILTER (INPUT "kubernetes ipvs access filter") and the ipset KUBE-IPVS-IPS. */
  ipvsAccessFilter: { since: 26, cite: { file: 'pkg/proxy/ipvs/proxier.go (writeIptablesRules, ipsetInfo)', pr: 'kubernetes#108460' } },
  /** IPVS mode's first nat rule `-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN`. */
  ipvsLocalhostReturn: { since: 26, cite: { file: 'pkg/proxy/ipvs/proxier.go (writeIptablesRules)', pr: 'kubernetes#112950' } },
  /** IPVS mode's filter chain KUBE-IPVS-OUT-FILTER (OUTPUT "kubernetes ipvs access filter"). */
  ipvsOutFilter: { since: 29, cite: { file: 'pkg/proxy/ipvs/proxier.go (writeIptablesRules)', pr: 'kubernetes#119791' } },
  /** KUBE-IPVS-FILTER's `-m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j RETURN`. */
  ipvsExternalLocalReturn: { since: 30, cite: { file: 'pkg/proxy/ipvs/proxier.go (writeIptablesRules)', pr: 'kubernetes#121919' } },
} as const satisfies Record<string, { since: number; cite: Citation }>;

/** Whether a fact holds at a version. */
export function holds(fact: keyof typeof FACTS, v: KubeProxyVersion): boolean {
  return v.minor >= FACTS[fact].since;
}

/** `file (pr)` for messages and the result. */
export function citeText(fact: keyof typeof FACTS): string {
  const c = FACTS[fact].cite;
  return `${c.file}, ${c.pr}`;
}
