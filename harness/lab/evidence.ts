/**
 * Evidence rules every driver installs: nftables counters in the input hook at priority 200
 * (after conntrack's reverse NAT at 100) of each namespace where the client side receives
 * segments (the client and node-a). They count, per arm:
 * - `<prefix>-leak`: segments from the backend pod's own address (escaped reverse NAT);
 * - `<prefix>-natted`: injected segments (payload starting with INJECT_MARKER) that arrived
 *   reverse-NATed from the VIP, i.e. conntrack accepted them (e.g. "ignored" stale segments);
 * - `<prefix>-vip-rst`: RST segments from the VIP:port (e.g. node-a's own stack answering a
 *   segment IPVS no longer knows: idle expiry).
 */

/** The first bytes of every injected segment's payload, so rules can recognise them. */
export const INJECT_MARKER = 'RESETLAB';

/** Comment names of a run's counting rules. */
export function evidenceComments(prefix: string) {
  return {
    leak: `${prefix}-leak`,
    natted: `${prefix}-natted`,
    invalidDrop: `${prefix}-invalid-drop`,
  } as const;
}

/** Comment of the counter of RSTs received from the VIP (kept apart from `evidenceComments`, whose shape drivers share). */
export function vipRstComment(prefix: string): string {
  return `${prefix}-vip-rst`;
}

/** Addresses the evidence rules match. */
export interface EvidenceAddresses {
  vip: string;
  servicePort: number;
  serverIp: string;
  serverPort: number;
}

/** The evidence table's name: `<prefix>_evidence` with '_' for nft. */
export function evidenceTable(prefix: string): string {
  return `${prefix.replace(/-/g, '_')}_evidence`;
}

/** `nft -f` input creating the evidence table (`evidenceTable`). */
export function evidenceRules(prefix: string, a: EvidenceAddresses): string {
  const c = evidenceComments(prefix);
  const marker = '0x' + Buffer.from(INJECT_MARKER).toString('hex');
  return [
    `table ip ${evidenceTable(prefix)} {`,
    '  chain input {',
    '    type filter hook input priority 200; policy accept;',
    `    ip saddr ${a.serverIp} tcp sport ${a.serverPort} counter comment "${c.leak}"`,
    `    ip saddr ${a.vip} tcp sport ${a.servicePort} @th,160,64 ${marker} counter comment "${c.natted}"`,
    `    ip saddr ${a.vip} tcp sport ${a.servicePort} tcp flags & rst == rst counter comment "${vipRstComment(prefix)}"`,
    '  }',
    '}',
    '',
  ].join('\n');
}
