/**
 * Differences between the rules of the real kube-proxy v1.20.2 (iptables mode, built from
 * Debian's source: upstream tree v1.20.2, pkg/proxy/iptables/proxier.go) and resetlab's model,
 * normalised (conformance.ts), each with why it is kept and its source. The conformance test
 * (test/integration/conformance.test.ts) fails on any other difference. Entries may stop
 * occurring as the model gains version flavours, and then they go: the test also fails on an
 * entry no path needs. The v1.20 flavour now writes the INVALID drop (v1.15 to v1.28, PR
 * #74840) and v1.20's two RELATED,ESTABLISHED rules, so those two are gone from here. None of
 * the entries left changes which path an INVALID reply takes.
 */
import type { KnownDifference } from './conformance.js';

const V120 = 'kubernetes v1.20.2 pkg/proxy/iptables/proxier.go (the tree built here)';

/** Known differences, real v1.20.2 vs the model, iptables mode. */
export const KNOWN_DIFFERENCES_V1_20: KnownDifference[] = [
  ...(['INPUT', 'FORWARD', 'OUTPUT'] as const).map((chain) => ({
    side: 'real-only' as const,
    table: 'filter',
    chain,
    rule: /^-m conntrack --ctstate NEW -j KUBE-(EXTERNAL-)?SERVICES$/,
    why: 'v1.20 jumps from the filter table to KUBE-SERVICES / KUBE-EXTERNAL-SERVICES, which hold REJECT rules for Services without endpoints only; the lab Service has an endpoint, so they are empty and the model leaves them out',
    cite: `${V120}, iptablesJumpChains`,
  })),
  {
    side: 'real-only',
    table: 'nat',
    chain: 'KUBE-SERVICES',
    rule: /^(! -s 10\.244\.0\.0\/16 )?-d 10\.96\.0\.10\/32 -p tcp -m tcp --dport \d+ -j KUBE-MARK-MASQ$/,
    why: 'v1.20 marks for masquerade (sources outside --cluster-cidr, or all with --masquerade-all) in KUBE-SERVICES before jumping to KUBE-SVC-*; later versions do it as the first rule of KUBE-SVC-*. Same packets, same mark',
    cite: `${V120}, "cluster IP" rules in KUBE-SERVICES`,
  },
  {
    side: 'model-only',
    table: 'nat',
    chain: 'KUBE-SVC-*',
    rule: /^(! -s 10\.244\.0\.0\/16 )?-d 10\.96\.0\.10\/32 -p tcp -m tcp --dport \d+ -j KUBE-MARK-MASQ$/,
    why: 'the same masquerade mark where later versions write it (first rule of KUBE-SVC-*)',
    cite: 'kubernetes v1.31 pkg/proxy/iptables/proxier.go',
  },
  {
    side: 'real-only',
    table: 'nat',
    chain: 'KUBE-NODEPORTS',
    rule: /^-p tcp -m tcp --dport \d+ -j (KUBE-MARK-MASQ|KUBE-SVC-\*)$/,
    why: 'v1.20 marks NodePort traffic and jumps to KUBE-SVC-* from KUBE-NODEPORTS; v1.24 and later go through a KUBE-EXT-* chain that does the same',
    cite: `${V120}, KUBE-NODEPORTS rules; KUBE-EXT chains from v1.24`,
  },
  {
    side: 'model-only',
    table: 'nat',
    chain: 'KUBE-NODEPORTS',
    rule: /^-p tcp -m tcp --dport \d+ -j KUBE-EXT-\*$/,
    why: 'the KUBE-EXT-* chain of later versions (see above)',
    cite: 'kubernetes v1.31 pkg/proxy/iptables/proxier.go',
  },
  {
    side: 'model-only',
    table: 'nat',
    chain: 'KUBE-EXT-*',
    rule: /^-j (KUBE-MARK-MASQ|KUBE-SVC-\*)$/,
    why: 'the KUBE-EXT-* chain of later versions (see above)',
    cite: 'kubernetes v1.31 pkg/proxy/iptables/proxier.go',
  },
  {
    side: 'real-only',
    table: 'nat',
    chain: 'KUBE-SERVICES',
    rule: /^-d (172\.18\.0\.2|192\.168\.100\.1|10\.244\.1\.1)\/32 -j KUBE-NODEPORTS$/,
    why: 'with --nodeport-addresses kube-proxy jumps to KUBE-NODEPORTS for each listed node address; the model jumps for every local address (addrtype LOCAL), which includes them',
    cite: `${V120}, nodeAddresses loop for KUBE-NODEPORTS`,
  },
  {
    side: 'model-only',
    table: 'nat',
    chain: 'KUBE-SERVICES',
    rule: '-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    why: 'the model has no --nodeport-addresses; kube-proxy writes this rule when the flag is absent (the ClusterIP paths here have it on both sides)',
    cite: `${V120}`,
  },
];

/** Known differences, real v1.20.2 vs the model, IPVS mode (filled from the guest runs; see docs/kube-proxy.md). */
export const KNOWN_DIFFERENCES_V1_20_IPVS: KnownDifference[] = [];

/**
 * The known-differences list for a kube-proxy minor and mode, or null when resetlab has none
 * (then every difference is reported as unknown).
 */
export function knownDifferencesFor(minor: number, mode: 'iptables' | 'ipvs'): KnownDifference[] | null {
  if (minor !== 20) return null;
  return mode === 'iptables' ? KNOWN_DIFFERENCES_V1_20 : KNOWN_DIFFERENCES_V1_20_IPVS;
}
