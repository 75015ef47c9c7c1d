/**
 * Sentences that explain, from the counters, what the Service path and proxy mode did with
 * the faulty segments: above all why IPVS mode resets on some paths and not on others. Pure;
 * used by `decideVerdict` for the explanation only (never changes the outcome).
 */
import type { ArmResult, Outcome } from '../report/schema.js';

/** The path facts a note needs (a subset of the verdict context). */
export interface PathFacts {
  faultKind?: string;
  proxyMode?: string;
  client?: 'pod' | 'node' | 'external';
  service?: 'clusterIP' | 'nodePort';
  hairpin?: boolean;
  masquerade?: boolean;
}

/** True when kube-proxy (v1.31) SNATs this path with conntrack NAT in the given facts. */
export function pathIsMasqueraded(f: PathFacts): boolean {
  return f.masquerade === true || f.client === 'node' || f.client === 'external' || f.service === 'nodePort' || f.hairpin === true;
}

/** Why the path is masqueraded, in kube-proxy's terms. */
function masqueradeReason(f: PathFacts): string {
  if (f.hairpin) return 'the endpoint reaches itself (hairpin masquerade)';
  if (f.service === 'nodePort') return 'NodePort traffic with externalTrafficPolicy Cluster is masqueraded';
  if (f.client === 'node') return 'node-originated traffic has a source outside the cluster CIDR';
  if (f.client === 'external') return 'the source is outside the cluster CIDR';
  return 'masqueradeAll';
}

/** Notes for IPVS mode (empty in other modes or without an injected fault). */
export function ipvsNotes(outcome: Outcome, f: PathFacts, baseline: ArmResult): string[] {
  if (f.proxyMode !== 'ipvs' || f.faultKind !== 'inject') return [];
  const e = baseline.evidence;
  const unNatted = e.ipvsOutPackets === undefined ? '' : ` IPVS itself un-NATed ${e.ipvsOutPackets} reply packets in that arm.`;
  const counts = `${baseline.name}: ${e.injected} injected, ${e.conntrackInvalid} conntrack INVALID, ${e.leakedUnNatted} leaked un-NATed` +
    (e.injectedNatted === undefined ? '' : `, ${e.injectedNatted} delivered reverse-NATed`);
  if (!pathIsMasqueraded(f)) {
    return outcome === 'not-reproduced'
      ? [
          `IPVS mode, path without SNAT (${counts}): IPVS reverses its own DNAT from its connection table ` +
            '(ip_vs_out in the FORWARD hook), not from conntrack, so a reply conntrack judges out of window is still ' +
            'rewritten to come from the VIP and no RST is provoked.' + unNatted,
        ]
      : [`IPVS mode, path without SNAT (${counts}).${unNatted}`];
  }
  return outcome === 'reproduced'
    ? [
        `IPVS mode, masqueraded path (${masqueradeReason(f)}; KUBE-MARK-MASQ then MASQUERADE in KUBE-POSTROUTING): ` +
          'the SNAT is conntrack NAT, and an INVALID reply skips its reverse; it arrives addressed to node-a, where IPVS ' +
          `finds no connection (its entry holds the original client), so node-a's TCP answers with the RST (${counts}).` + unNatted,
      ]
    : [`IPVS mode, masqueraded path (${masqueradeReason(f)}; ${counts}).${unNatted}`];
}
