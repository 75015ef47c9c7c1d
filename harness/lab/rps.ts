/**
 * Receive Packet Steering in a lab node: the sysfs files `rps_cpus` and `rps_flow_cnt` of
 * every receive queue of an interface, written and read with one small `sh` script per node
 * (run inside the node, where `/sys/class/net` is the node's own). Commands are data and the
 * output parser is pure; drivers execute them. Values are always read back, never assumed.
 *
 * Read-back keys are `<ifname>/rx-<n>/rps_cpus` and `<ifname>/rx-<n>/rps_flow_cnt`, values
 * as the kernel prints them (masks in hex, possibly zero-padded: compare with `sameMask`).
 */
import { rpsMaskValue } from '../scenario/rps.js';
import type { NodeRole } from './node-role.js';

/** What one interface should get on every receive queue. */
export interface RpsValues {
  /** Hex CPU mask ("0" = RPS off). */
  cpus: string;
  /** Per-queue RFS flow table entries (0 or a power of two). */
  flowCnt: number;
}

/** Wanted values per node role and interface name. */
export type RpsWanted = Partial<Record<NodeRole, Record<string, RpsValues>>>;

/** Read-back values per node role: `{ 'node-a': { 'wire0/rx-0/rps_cpus': '3', ... } }`. */
export type RpsReadBack = Record<string, Record<string, string>>;

const SAFE_IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const SAFE_MASK = /^[0-9a-fA-F,]{1,64}$/;

function checkIfname(name: string): void {
  if (!SAFE_IFNAME.test(name)) throw new Error(`failed to build the RPS command: not an interface name: ${JSON.stringify(name)}`);
}

/** The shell lines that print every queue's two files as `path:value` (grep -H). */
function readLines(ifnames: readonly string[] | undefined): string[] {
  const list = ifnames ? ifnames.join(' ') : '$(ls /sys/class/net)';
  // Listing the directory also yields non-interfaces (the bonding module's `bonding_masters`
  // file exists in every namespace): skip those; a named interface that is missing is an error.
  const missing = ifnames ? '{ echo "no interface $i in this node" >&2; exit 3; }' : 'continue';
  return [
    `for i in ${list}; do`,
    '  [ "$i" = lo ] && continue',
    `  [ -d "/sys/class/net/$i/queues" ] || ${missing}`,
    '  for q in /sys/class/net/$i/queues/rx-*; do grep -H . "$q/rps_cpus" "$q/rps_flow_cnt"; done',
    'done',
  ];
}

/** argv that reads RPS settings of `ifnames` (every interface but `lo` when omitted). */
export function rpsReadArgv(ifnames?: readonly string[]): string[] {
  ifnames?.forEach(checkIfname);
  return ['sh', '-c', ['set -e', ...readLines(ifnames)].join('\n')];
}

/** argv that writes `values` to every receive queue of each interface, then reads them back. */
export function rpsWriteArgv(values: Record<string, RpsValues>): string[] {
  const lines = ['set -e'];
  for (const [ifname, v] of Object.entries(values)) {
    checkIfname(ifname);
    if (!SAFE_MASK.test(v.cpus)) throw new Error(`failed to build the RPS command: not a mask: ${JSON.stringify(v.cpus)}`);
    if (!Number.isInteger(v.flowCnt) || v.flowCnt < 0) throw new Error(`failed to build the RPS command: bad flowCnt ${v.flowCnt}`);
    lines.push(
      `[ -d /sys/class/net/${ifname}/queues ] || { echo "no interface ${ifname} in this node" >&2; exit 3; }`,
      `for q in /sys/class/net/${ifname}/queues/rx-*; do echo ${v.cpus} > "$q/rps_cpus"; echo ${v.flowCnt} > "$q/rps_flow_cnt"; done`,
    );
  }
  return ['sh', '-c', [...lines, ...readLines(Object.keys(values))].join('\n')];
}

/** Parses `grep -H` output (`/sys/class/net/wire0/queues/rx-0/rps_cpus:3`) into read-back keys. */
export function parseRpsOutput(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\/sys\/class\/net\/([^/]+)\/queues\/(rx-\d+)\/(rps_cpus|rps_flow_cnt):(.*)$/.exec(line.trim());
    if (m) out[`${m[1]}/${m[2]}/${m[3]}`] = m[4]!.trim();
  }
  return out;
}

/** True when two masks in the kernel's format name the same CPUs ("00000003" and "3"). */
export function sameMask(a: string, b: string): boolean {
  const value = (m: string) => (/^[0-9a-fA-F]+(,[0-9a-fA-F]+)*$/.test(m.trim()) ? rpsMaskValue(m) : null);
  const va = value(a);
  return va !== null && va === value(b);
}

/**
 * Lists `node iface/rx-N/file: wanted X, read back Y` for every queue file that differs from
 * `wanted` (and for an interface with no queue read back at all). Empty when all match.
 */
export function rpsMismatches(wanted: RpsWanted, read: RpsReadBack): string[] {
  const problems: string[] = [];
  for (const [role, ifaces] of Object.entries(wanted)) {
    const got = read[role] ?? {};
    for (const [ifname, v] of Object.entries(ifaces ?? {})) {
      const keys = Object.keys(got).filter((k) => k.startsWith(`${ifname}/rx-`));
      if (keys.length === 0) problems.push(`${role} ${ifname}: nothing read back`);
      for (const k of keys) {
        const ok = k.endsWith('/rps_cpus') ? sameMask(got[k]!, v.cpus) : Number(got[k]) === v.flowCnt;
        if (!ok) problems.push(`${role} ${k}: wanted ${k.endsWith('/rps_cpus') ? v.cpus : v.flowCnt}, read back ${got[k]}`);
      }
    }
  }
  return problems;
}

/** The values of an interface's first queue (`rx-0`) in a read-back, as `RpsValues`; undefined if absent. */
export function firstQueueValues(read: Record<string, string>, ifname: string): RpsValues | undefined {
  const cpus = read[`${ifname}/rx-0/rps_cpus`];
  const flow = read[`${ifname}/rx-0/rps_flow_cnt`];
  return cpus === undefined || flow === undefined ? undefined : { cpus, flowCnt: Number(flow) };
}
