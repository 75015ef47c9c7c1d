/**
 * Evidence rules every driver installs: nftables counters in the input hook at priority 200
 * (after conntrack's reverse NAT at 100) of each namespace where the client side receives
 * segments (the client and node-a). They count, per arm:
 * - `<prefix>-leak`: segments from the backend pod's own address (escaped reverse NAT);
 * - `<prefix>-natted`: injected segments (payload starting with INJECT_MARKER) that arrived
 *   reverse-NATed from the VIP, i.e. conntrack accepted them (e.g. "ignored" stale segments).
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

/** Addresses the evidence rules match. */
export interface EvidenceAddresses {
  vip: string;
  servicePort: number;
  serverIp: string;
  serverPort: number;
}

/** `nft -f` input creating the evidence table `<prefix>_evidence` (prefix with '_' for nft). */
export function evidenceRules(prefix: string, a: EvidenceAddresses): string {
  const c = evidenceComments(prefix);
  const marker = '0x' + Buffer.from(INJECT_MARKER).toString('hex');
  return [
    `table ip ${prefix.replace(/-/g, '_')}_evidence {`,
    '  chain input {',
    '    type filter hook input priority 200; policy accept;',
    `    ip saddr ${a.serverIp} tcp sport ${a.serverPort} counter comment "${c.leak}"`,
    `    ip saddr ${a.vip} tcp sport ${a.servicePort} @th,160,64 ${marker} counter comment "${c.natted}"`,
    '  }',
    '}',
    '',
  ].join('\n');
}
