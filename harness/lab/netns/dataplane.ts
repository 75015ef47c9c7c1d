/**
 * node-a's proxy rules as the netns lab reads them back (the rules themselves come from
 * `harness/dataplane/`, modelled or real). Counting rules carry comments with the run's prefix
 * so counters can be read back by name.
 */
import { evidenceComments } from '../evidence.js';

/** Comment names of the counting rules, per run. */
export const ruleComments = evidenceComments;

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
    if (/dnat to|masquerade|mark set|ct state invalid/.test(t) && !/-(leak|natted)"/.test(t)) lines.push(`nft: ${t}`);
  }
  for (const line of (o.ipvsadm ?? '').split('\n')) {
    const t = line.trim();
    if (/^(TCP|UDP)\s|^->\s+\d/.test(t)) lines.push(`ipvs: ${t}`);
  }
  return lines;
}
