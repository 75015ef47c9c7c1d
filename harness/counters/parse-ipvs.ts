/**
 * Pure parsers for IPVS's own counters, read in node-a's namespace (both are per network
 * namespace): `/proc/net/ip_vs_stats` (totals since the namespace's IPVS started; values in
 * hex, ip_vs_stats_show in net/netfilter/ipvs/ip_vs_ctl.c) and `ipvsadm -Lnc` (the connection
 * table). They throw "failed to parse <source>: ..." on input they do not understand. Tested
 * on output captured in a Debian 6.1 guest (test/fixtures/ipvs).
 */

/** Totals of `/proc/net/ip_vs_stats`. */
export interface IpvsStats {
  conns: number;
  inPackets: number;
  outPackets: number;
  inBytes: number;
  outBytes: number;
}

const STATS = '/proc/net/ip_vs_stats';

/**
 * Parses `/proc/net/ip_vs_stats`: two header lines ("Total Incoming Outgoing ..." /
 * "Conns Packets Packets Bytes Bytes"), one line of five hex totals, then the rate block
 * (ignored). Throws when the header or the totals line is missing or not hex.
 */
export function parseIpvsStats(text: string): IpvsStats {
  const rows = text.split('\n').map((l) => l.trim());
  const h = rows.findIndex((l) => /^Conns\s+Packets\s+Packets\s+Bytes\s+Bytes$/.test(l));
  if (h < 0) throw new Error(`failed to parse ${STATS}: no "Conns Packets Packets Bytes Bytes" header`);
  const values = (rows[h + 1] ?? '').split(/\s+/);
  if (values.length !== 5 || values.some((v) => !/^[0-9A-Fa-f]{1,16}$/.test(v))) {
    throw new Error(`failed to parse ${STATS}: line ${h + 2}: expected five hex totals, got "${rows[h + 1] ?? ''}"`);
  }
  const [conns, inPackets, outPackets, inBytes, outBytes] = values.map((v) => Number.parseInt(v, 16)) as [number, number, number, number, number];
  return { conns, inPackets, outPackets, inBytes, outBytes };
}

/** One entry of `ipvsadm -Lnc`. */
export interface IpvsConnection {
  protocol: string;
  /** Seconds until the entry expires ("mm:ss" in the output). */
  expiresSec: number;
  state: string;
  source: string;
  virtual: string;
  destination: string;
}

const CONNS = 'ipvsadm -Lnc output';

/**
 * Parses `ipvsadm -Lnc`: the "IPVS connection entries" title, the column header
 * (pro expire state source virtual destination), then one line per connection. Throws on a
 * missing header or a line with another shape.
 */
export function parseIpvsConnections(text: string): IpvsConnection[] {
  const rows = text.split('\n').map((l, i) => ({ no: i + 1, t: l.trim() })).filter((r) => r.t !== '');
  const h = rows.findIndex((r) => /^pro\s+expire\s+state\s+source\s+virtual\s+destination$/.test(r.t));
  if (h < 0) throw new Error(`failed to parse ${CONNS}: no "pro expire state source virtual destination" header`);
  return rows.slice(h + 1).map((r) => {
    const m = /^(\S+)\s+(\d+):(\d\d)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$/.exec(r.t);
    if (!m) throw new Error(`failed to parse ${CONNS}: line ${r.no}: unrecognised entry "${r.t}"`);
    return { protocol: m[1]!, expiresSec: Number(m[2]) * 60 + Number(m[3]), state: m[4]!, source: m[5]!, virtual: m[6]!, destination: m[7]! };
  });
}

/** Counts connections per state, e.g. `{ ESTABLISHED: 10, TIME_WAIT: 3 }`. */
export function countByState(conns: readonly IpvsConnection[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of conns) out[c.state] = (out[c.state] ?? 0) + 1;
  return out;
}

/** IPVS timeouts in seconds, as `ipvsadm -L --timeout` prints them. */
export interface IpvsTimeouts {
  tcp: number;
  tcpFin: number;
  udp: number;
}

/**
 * Parses `ipvsadm -L --timeout` ("Timeout (tcp tcpfin udp): 900 120 300"). Throws when no such
 * line is present.
 */
export function parseIpvsTimeouts(text: string): IpvsTimeouts {
  const m = /^Timeout \(tcp tcpfin udp\):\s+(\d+)\s+(\d+)\s+(\d+)\s*$/m.exec(text);
  if (!m) throw new Error(`failed to parse ipvsadm -L --timeout output: no "Timeout (tcp tcpfin udp): N N N" line in ${JSON.stringify(text.trim().slice(0, 120))}`);
  return { tcp: Number(m[1]), tcpFin: Number(m[2]), udp: Number(m[3]) };
}

const PROC_CONN = '/proc/net/ip_vs_conn';

const hexIp = (h: string) => [0, 2, 4, 6].map((i) => Number.parseInt(h.slice(i, i + 2), 16)).join('.');
const hexPort = (h: string) => Number.parseInt(h, 16);

/**
 * Parses `/proc/net/ip_vs_conn` (ip_vs_conn_seq_show in net/netfilter/ipvs/ip_vs_conn.c): the
 * header "Pro FromIP FPrt ToIP TPrt DestIP DPrt State Expires PEName PEData", then one line per
 * entry with IPv4 addresses and ports in hex and the seconds left. Into the same shape as
 * `parseIpvsConnections` (source = FromIP:FPrt, virtual = ToIP:TPrt, destination = DestIP:DPrt).
 * IPv6 entries are not parsed (the lab is IPv4): such a line throws, like any other shape.
 */
export function parseIpVsConn(text: string): IpvsConnection[] {
  const rows = text.split('\n').map((l, i) => ({ no: i + 1, t: l.trim() })).filter((r) => r.t !== '');
  const h = rows.findIndex((r) => /^Pro\s+FromIP\s+FPrt\s+ToIP\s+TPrt\s+DestIP\s+DPrt\s+State\s+Expires/.test(r.t));
  if (h < 0) throw new Error(`failed to parse ${PROC_CONN}: no "Pro FromIP FPrt ToIP TPrt DestIP DPrt State Expires" header`);
  return rows.slice(h + 1).map((r) => {
    const m = /^(\S+)\s+([0-9A-Fa-f]{8})\s+([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{8})\s+([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{8})\s+([0-9A-Fa-f]{4})\s+(\S+)\s+(\d+)(\s.*)?$/.exec(r.t);
    if (!m) throw new Error(`failed to parse ${PROC_CONN}: line ${r.no}: unrecognised entry "${r.t}"`);
    return {
      protocol: m[1]!,
      expiresSec: Number(m[9]),
      state: m[8]!,
      source: `${hexIp(m[2]!)}:${hexPort(m[3]!)}`,
      virtual: `${hexIp(m[4]!)}:${hexPort(m[5]!)}`,
      destination: `${hexIp(m[6]!)}:${hexPort(m[7]!)}`,
    };
  });
}
