/**
 * The proxy data plane on node-a, as pure text/argv: iptables (like kube-proxy iptables
 * mode), nftables, or real IPVS (like kube-proxy IPVS mode). Counting rules carry
 * comments with the run's prefix so counters can be read back by name.
 */
import { evidenceComments } from '../evidence.js';
import { NETNS_ADDRESSES as A } from './addresses.js';

/** Data-plane knobs from the scenario topology. */
export interface DataPlaneKnobs {
  servicePort: number;
  serverPort: number;
  masquerade: boolean;
  dropInvalid: boolean;
}

/** Comment names of the counting rules, per run. */
export const ruleComments = evidenceComments;

/** `iptables-restore` input for node-a in iptables mode (DNAT in PREROUTING and OUTPUT). */
export function iptablesProxyRules(prefix: string, k: DataPlaneKnobs): string {
  const svc = `${prefix}-svc`;
  const lines = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    `:KUBE-SERVICES - [0:0]`,
    `-A PREROUTING -m comment --comment ${svc} -j KUBE-SERVICES`,
    `-A OUTPUT -m comment --comment ${svc} -j KUBE-SERVICES`,
    `-A KUBE-SERVICES -d ${A.serviceVip}/32 -p tcp -m tcp --dport ${k.servicePort} -m comment --comment ${svc} -j DNAT --to-destination ${A.serverPod}:${k.serverPort}`,
  ];
  if (k.masquerade) {
    lines.push(
      `-A POSTROUTING -d ${A.serverPod}/32 -p tcp -m tcp --dport ${k.serverPort} -m comment --comment ${prefix}-masq -j MASQUERADE`,
    );
  }
  lines.push('COMMIT', '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]');
  lines.push(...invalidDropRules(prefix, k));
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** kube-proxy's INVALID-drop rule when asked, else nothing. */
function invalidDropRules(prefix: string, k: DataPlaneKnobs): string[] {
  const c = ruleComments(prefix);
  return k.dropInvalid
    ? [`-A FORWARD -m conntrack --ctstate INVALID -m comment --comment ${c.invalidDrop} -j DROP`]
    : [];
}

/** `nft -f` input for node-a in nftables mode. */
export function nftablesProxyRules(prefix: string, k: DataPlaneKnobs): string {
  const c = ruleComments(prefix);
  const table = prefix.replace(/-/g, '_');
  return [
    `table ip ${table} {`,
    '  chain services {',
    `    ip daddr ${A.serviceVip} tcp dport ${k.servicePort} dnat to ${A.serverPod}:${k.serverPort} comment "${prefix}-svc"`,
    '  }',
    '  chain prerouting { type nat hook prerouting priority dstnat; policy accept; jump services; }',
    '  chain output { type nat hook output priority -100; policy accept; jump services; }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...(k.masquerade ? [`    ip daddr ${A.serverPod} tcp dport ${k.serverPort} masquerade comment "${prefix}-masq"`] : []),
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    ...(k.dropInvalid ? [`    ct state invalid counter drop comment "${c.invalidDrop}"`] : []),
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * IPVS mode: a virtual server on the VIP in NAT (masq) mode, the VIP on node-a's lo (kube-proxy
 * uses a dummy `kube-ipvs0`), `net.ipv4.vs.conntrack=1` so conntrack sees the flows, plus
 * kube-proxy's iptables masquerade/INVALID-drop knobs.
 */
export function ipvsCommands(k: DataPlaneKnobs): string[][] {
  const vs = `${A.serviceVip}:${k.servicePort}`;
  return [
    ['ip', 'addr', 'add', `${A.serviceVip}/32`, 'dev', 'lo'],
    ['ipvsadm', '-A', '-t', vs, '-s', 'rr'],
    ['ipvsadm', '-a', '-t', vs, '-r', `${A.serverPod}:${k.serverPort}`, '-m'],
  ];
}

/** Filter/nat rules that accompany IPVS mode (masquerade and INVALID drop only). */
export function ipvsCompanionRules(prefix: string, k: DataPlaneKnobs): string {
  const lines = ['*nat', ':POSTROUTING ACCEPT [0:0]'];
  if (k.masquerade) {
    lines.push(`-A POSTROUTING -m ipvs --vaddr ${A.serviceVip}/32 --vport ${k.servicePort} -m comment --comment ${prefix}-masq -j MASQUERADE`);
  }
  lines.push('COMMIT', '*filter', ':FORWARD ACCEPT [0:0]', ...invalidDropRules(prefix, k), 'COMMIT', '');
  return lines.join('\n');
}

/** Raw node-a outputs for `summarizeNetnsRules`. */
export interface NetnsRuleOutputs {
  iptablesSave?: string;
  nftRuleset?: string;
  ipvsadm?: string;
}

/**
 * node-a's proxy rules as short lines for the result: the `-A` rules of `iptables-save`
 * (prefixed with their table), the DNAT/masquerade/INVALID lines of the nft ruleset, and the
 * IPVS table. Evidence counters (the run's own `-leak`/`-natted` rules) are left out. Pure.
 */
export function summarizeNetnsRules(o: NetnsRuleOutputs): string[] {
  const lines: string[] = [];
  let table = '';
  for (const line of (o.iptablesSave ?? '').split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    else if (line.startsWith('-A ')) lines.push(`iptables ${table}: ${line}`);
  }
  for (const line of (o.nftRuleset ?? '').split('\n')) {
    const t = line.trim();
    if (/dnat to|masquerade|ct state invalid/.test(t) && !/-(leak|natted)"/.test(t)) lines.push(`nft: ${t}`);
  }
  for (const line of (o.ipvsadm ?? '').split('\n')) {
    const t = line.trim();
    if (/^(TCP|UDP)\s|^->\s+\d/.test(t)) lines.push(`ipvs: ${t}`);
  }
  return lines;
}
