/**
 * Kernel counters that make up the evidence chain, read from the lab's nodes before and
 * after an arm. Reading is I/O (`snapshotCounters`); the difference is pure (`diffEvidence`).
 * Every figure comes from the kernel; nothing is estimated.
 */
import { vipRstComment } from '../lab/evidence.js';
import type { Lab } from '../lab/lab.js';
import type { Evidence } from '../report/schema.js';
import { counterByComment, counterByRule, parseConntrackStat, parseIptablesSaveCounters, parseSnmp } from './parse.js';
import { parseIpvsStats, type IpvsStats } from './parse-ipvs.js';

/** Raw counter readings at one moment. */
export interface CounterSnapshot {
  /** Summed columns of /proc/net/stat/nf_conntrack on node-a. */
  conntrack: Record<string, number>;
  /** Packets counted by the INVALID-drop rule on node-a (0 when absent). */
  invalidDropped: number;
  /** Segments from the backend pod's own address received by the client side (client and node-a). */
  leaked: number;
  /** Injected segments received reverse-NATed (from the VIP) by the client side. */
  natted: number;
  /** `Tcp: OutRsts` summed over the client side (client and node-a). */
  clientOutRsts: number;
  serverEstabResets: number;
  /** `Tcp: OutRsts` of node-a alone (its own stack's RSTs, e.g. for a VIP that IPVS no longer maps). */
  nodeAOutRsts?: number;
  /** RSTs from the VIP received by the client side (absent where the lab has no such counter). */
  vipRsts?: number;
  /** node-a's /proc/net/ip_vs_stats totals (IPVS mode only). */
  ipvs?: IpvsStats;
}

/** Reads every counter once, in parallel. */
export async function snapshotCounters(lab: Lab): Promise<CounterSnapshot> {
  const rules = lab.counterRules;
  const a = lab.nodes['node-a'];
  const side = lab.evidenceRoles.map((r) => lab.nodes[r]);
  const ipvsMode = lab.dataPlane.proxyMode === 'ipvs';
  const [ctStat, aRules, serverSnmp, sideSnmp, sideRules, ipvsStats] = await Promise.all([
    a.exec(['cat', '/proc/net/stat/nf_conntrack']),
    lab.dataPlane.proxyMode === 'nftables'
      ? a.exec(['nft', 'list', 'ruleset'])
      : a.exec(['iptables-save', '-c']),
    lab.nodes.server.exec(['cat', '/proc/net/snmp']),
    Promise.all(side.map((n) => n.exec(['cat', '/proc/net/snmp']))),
    Promise.all(side.map((n) => n.exec(['nft', 'list', 'ruleset']))),
    ipvsMode ? a.exec(['cat', '/proc/net/ip_vs_stats']) : Promise.resolve(null),
  ]);
  const dropInvalid = lab.dataPlane.knobs.dropInvalid === true;
  const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
  return {
    conntrack: parseConntrackStat(ctStat.stdout),
    invalidDropped: !dropInvalid
      ? 0
      : lab.dataPlane.proxyMode === 'nftables'
        ? nftCounterByComment(aRules.stdout, rules.invalidDrop)
        : lab.invalidDropRule
          ? counterByRule(parseIptablesSaveCounters(aRules.stdout), lab.invalidDropRule.table, lab.invalidDropRule.chain, lab.invalidDropRule.spec).packets
          : counterByComment(parseIptablesSaveCounters(aRules.stdout), rules.invalidDrop).packets,
    leaked: sum(sideRules.map((r) => nftCounterByComment(r.stdout, rules.leak))),
    natted: sum(sideRules.map((r) => nftCounterByComment(r.stdout, rules.natted))),
    clientOutRsts: sum(sideSnmp.map((r) => snmpValue(parseSnmp(r.stdout), 'Tcp', 'OutRsts'))),
    serverEstabResets: snmpValue(parseSnmp(serverSnmp.stdout), 'Tcp', 'EstabResets'),
    ...(lab.evidenceRoles.includes('node-a') ? { nodeAOutRsts: snmpValue(parseSnmp(sideSnmp[lab.evidenceRoles.indexOf('node-a')]!.stdout), 'Tcp', 'OutRsts') } : {}),
    ...optionalCounter('vipRsts', sideRules.map((r) => nftCounterOrUndefined(r.stdout, vipRstComment(lab.prefix)))),
    ...(ipvsStats ? { ipvs: parseIpvsStats(ipvsStats.stdout) } : {}),
  };
}

function snmpValue(snmp: Record<string, Record<string, number>>, proto: string, key: string): number {
  const v = snmp[proto]?.[key];
  if (v === undefined) throw new Error(`failed to read ${proto} ${key} from /proc/net/snmp`);
  return v;
}

/** Packets of the nft rule carrying `comment "<name>"` (`counter packets N bytes M`). */
export function nftCounterByComment(ruleset: string, comment: string): number {
  const line = ruleset.split('\n').find((l) => l.includes(`comment "${comment}"`));
  const m = line ? /counter packets (\d+) bytes \d+/.exec(line) : null;
  if (!m) throw new Error(`failed to find the nft counter "${comment}"`);
  return Number(m[1]);
}

/** Packets of the nft rule with `comment`, or undefined when no such rule exists. */
function nftCounterOrUndefined(ruleset: string, comment: string): number | undefined {
  return ruleset.includes(`comment "${comment}"`) ? nftCounterByComment(ruleset, comment) : undefined;
}

/** `{ [key]: sum }` when at least one reading exists, else {}. */
function optionalCounter<K extends string>(key: K, values: (number | undefined)[]): Partial<Record<K, number>> {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length > 0 ? ({ [key]: present.reduce((x, y) => x + y, 0) } as Partial<Record<K, number>>) : {};
}

/** The evidence of one arm: after - before for every counter, plus what the injector reported. */
export function diffEvidence(before: CounterSnapshot, after: CounterSnapshot, injected: number): Evidence {
  const d = (x: number, y: number) => Math.max(0, y - x);
  return {
    injected,
    conntrackInvalid: d(before.conntrack.invalid ?? 0, after.conntrack.invalid ?? 0),
    invalidDropped: d(before.invalidDropped, after.invalidDropped),
    leakedUnNatted: d(before.leaked, after.leaked),
    injectedNatted: d(before.natted, after.natted),
    clientRstsSent: d(before.clientOutRsts, after.clientOutRsts),
    serverResets: d(before.serverEstabResets, after.serverEstabResets),
    ...(before.nodeAOutRsts !== undefined && after.nodeAOutRsts !== undefined ? { nodeRstsSent: d(before.nodeAOutRsts, after.nodeAOutRsts) } : {}),
    ...(before.vipRsts !== undefined && after.vipRsts !== undefined ? { vipResetsReceived: d(before.vipRsts, after.vipRsts) } : {}),
    ...(before.ipvs && after.ipvs
      ? {
          ipvsConns: d(before.ipvs.conns, after.ipvs.conns),
          ipvsInPackets: d(before.ipvs.inPackets, after.ipvs.inPackets),
          ipvsOutPackets: d(before.ipvs.outPackets, after.ipvs.outPackets),
        }
      : {}),
  };
}
