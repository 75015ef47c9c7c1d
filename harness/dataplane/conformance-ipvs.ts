/**
 * Conformance of IPVS mode (pure): what `ipvsadm -Ln`, `ipset list` and
 * `ip -o addr/link show dev kube-ipvs0` print on node-a, turned into the same `NormalRule`
 * rows the iptables comparison uses (conformance.ts), so one diff and one known-differences
 * list cover every table:
 *
 * - `ipvs` / `TCP <vip>:<port>`: `scheduler <name> [flags]` and `-> <ip>:<port> <forward> <weight>`
 *   (connection counters dropped);
 * - `ipset` / `<set>`: `type <type>` and `member <entry>` (headers with hash seeds dropped);
 * - `link` / `kube-ipvs0`: `inet <addr>` and `state <state>`.
 *
 * The apiserver's own `kubernetes` Service (only the real control plane has it) is left out:
 * its virtual server, its ipset entries and its address on kube-ipvs0.
 */
import type { NormalRule } from './conformance.js';

/** Virtual servers and their real servers. */
export function normaliseIpvsadm(out: string, skipVip: string): NormalRule[] {
  const rules: NormalRule[] = [];
  let chain: string | null = null;
  for (const raw of out.split('\n')) {
    const vs = /^(TCP|UDP|SCTP)\s+(\S+):(\d+)\s+(.*)$/.exec(raw.trim());
    if (vs) {
      chain = vs[2] === skipVip ? null : `${vs[1]} ${vs[2]}:${vs[3]}`;
      if (chain) rules.push({ table: 'ipvs', chain, rule: `scheduler ${vs[4]!.replace(/\s+/g, ' ').trim()}` });
      continue;
    }
    const rs = /^->\s+(\S+)\s+(\S+)\s+(\d+)\s+\d+\s+\d+\s*$/.exec(raw.trim());
    if (rs && chain) rules.push({ table: 'ipvs', chain, rule: `-> ${rs[1]} ${rs[2]} ${rs[3]}` });
  }
  return rules;
}

/** Sets (name and type) and members. */
export function normaliseIpset(out: string, skipVip: string): NormalRule[] {
  const rules: NormalRule[] = [];
  let name: string | null = null;
  let inMembers = false;
  for (const raw of out.split('\n')) {
    const line = raw.trim();
    const n = /^Name: (\S+)$/.exec(line);
    if (n) {
      name = n[1]!;
      inMembers = false;
      continue;
    }
    if (!name) continue;
    const t = /^Type: (\S+)$/.exec(line);
    if (t) rules.push({ table: 'ipset', chain: name, rule: `type ${t[1]}` });
    else if (line === 'Members:') inMembers = true;
    else if (inMembers && line !== '' && line.split(/[,\s]/)[0] !== skipVip) rules.push({ table: 'ipset', chain: name, rule: `member ${line}` });
  }
  return rules.sort((a, b) => (a.chain === b.chain ? 0 : a.chain < b.chain ? -1 : 1));
}

/** The dummy link's IPv4 addresses and state (`ip -o -4 addr show dev kube-ipvs0` and `ip -o link show dev kube-ipvs0`). */
export function normaliseIpvsLink(addrOut: string, linkOut: string, skipVip: string): NormalRule[] {
  const rules: NormalRule[] = [];
  for (const m of addrOut.matchAll(/\binet (\S+)/g)) if (m[1]!.split('/')[0] !== skipVip) rules.push({ table: 'link', chain: 'kube-ipvs0', rule: `inet ${m[1]}` });
  const state = /\bstate (\S+)/.exec(linkOut);
  if (state) rules.push({ table: 'link', chain: 'kube-ipvs0', rule: `state ${state[1]}` });
  return rules;
}
