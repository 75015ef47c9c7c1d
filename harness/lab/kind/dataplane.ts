/**
 * The rules the kind driver adds to kube-proxy's data plane, as pure text/argv, and the
 * read-out of which data-plane rules are present on each node (for the result):
 * - the INVALID-drop counting rule on worker 1 when `topology.dropInvalid` (kube-proxy's own
 *   iptables-mode `KUBE-FORWARD` drop has no comment of ours, so it cannot be counted by
 *   name; ours is inserted first in FORWARD so it sees the packets first);
 * - `dataPlaneSummary`: per node, the INVALID rules present (iptables, nftables) and the IPVS
 *   virtual server of the run's Service with its real servers.
 */
import type { KubeProxyMode } from './config.js';
import { invalidRules, nftInvalidRules, parseIpvsadm } from './parse-runtime.js';

/** iptables argv adding (`-I FORWARD 1`) or deleting (`-D FORWARD`) the counted INVALID drop. */
export function invalidDropArgv(action: 'add' | 'delete', comment: string): string[] {
  const spec = ['-m', 'conntrack', '--ctstate', 'INVALID', '-m', 'comment', '--comment', comment, '-j', 'DROP'];
  return action === 'add' ? ['iptables', '-w', '-I', 'FORWARD', '1', ...spec] : ['iptables', '-w', '-D', 'FORWARD', ...spec];
}

/** nft table name for a run's own INVALID drop in nftables mode. */
export function invalidDropTable(prefix: string): string {
  return `${prefix.replace(/-/g, '_')}_invalid`;
}

/** `nft -f` input for the counted INVALID drop in nftables mode (before kube-proxy's filter chains). */
export function nftInvalidDrop(prefix: string, comment: string): string {
  return [
    `table ip ${invalidDropTable(prefix)} {`,
    '  chain forward {',
    '    type filter hook forward priority -10; policy accept;',
    `    ct state invalid counter drop comment "${comment}"`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Raw outputs read from one node for `dataPlaneSummary` (absent when not read). */
export interface NodeRuleOutputs {
  iptablesSave?: string;
  nftRuleset?: string;
  ipvsadm?: string;
}

/**
 * One node's data-plane rules as short lines, e.g.
 * `iptables: -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP`,
 * `ipvs: TCP 10.96.41.7:80 rr -> 10.244.2.3:8080 Masq`, `ipvs: 9 virtual servers in all`.
 * A Service without an IPVS virtual server is reported as such (kube-proxy not synced). Pure.
 */
export function dataPlaneSummary(out: NodeRuleOutputs, mode: KubeProxyMode, vip: string, servicePort: number): string[] {
  const lines: string[] = [];
  if (out.iptablesSave !== undefined) {
    const rules = invalidRules(out.iptablesSave);
    lines.push(...(rules.length > 0 ? rules.map((r) => `iptables: ${r}`) : ['iptables: no INVALID rule']));
  }
  if (out.nftRuleset !== undefined) {
    const rules = nftInvalidRules(out.nftRuleset);
    lines.push(...(rules.length > 0 ? rules.map((r) => `nftables: ${r}`) : ['nftables: no ct state invalid rule']));
  }
  if (out.ipvsadm !== undefined) {
    const all = parseIpvsadm(out.ipvsadm);
    const vs = all.find((v) => v.protocol === 'TCP' && v.address === `${vip}:${servicePort}`);
    lines.push(
      vs
        ? `ipvs: TCP ${vs.address} ${vs.scheduler}${vs.flags ? ` ${vs.flags}` : ''} -> ${vs.reals.map((r) => `${r.address} ${r.forward}`).join(', ') || 'no real server'}`
        : `ipvs: no virtual server for ${vip}:${servicePort}`,
      `ipvs: ${all.length} virtual servers in all`,
    );
  } else if (mode === 'ipvs') {
    lines.push('ipvs: not read');
  }
  return lines;
}
