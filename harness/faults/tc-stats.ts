/**
 * Parses `tc -s qdisc show dev X` output (iproute2) for the delayed-duplicates shaper:
 * sent/dropped packets and the current backlog. Pure.
 */

/** Counters of the root qdisc. */
export interface QdiscStats {
  kind: string;
  sentBytes: number;
  sentPackets: number;
  dropped: number;
  backlogBytes: number;
  backlogPackets: number;
}

// iproute2's print_size uses powers of 1024 for Kb/Mb/Gb.
const SIZE_UNITS: Record<string, number> = { b: 1, Kb: 1024, Mb: 1024 ** 2, Gb: 1024 ** 3 };

function bytes(value: string, unit: string): number {
  const scale = SIZE_UNITS[unit];
  if (scale === undefined) throw new Error(`failed to parse tc size unit "${unit}"`);
  return Math.round(Number(value) * scale);
}

/** Parses the first (root) qdisc block; throws on output it does not recognise. */
export function parseQdiscStats(text: string): QdiscStats {
  const kind = /^qdisc (\S+)/m.exec(text)?.[1];
  const sent = /Sent (\d+) bytes (\d+) pkt \(dropped (\d+)/.exec(text);
  const backlog = /backlog ([\d.]+)(b|Kb|Mb|Gb) (\d+)p/.exec(text);
  if (!kind || !sent || !backlog) throw new Error(`failed to parse tc -s qdisc output: ${text.slice(0, 200)}`);
  return {
    kind,
    sentBytes: Number(sent[1]),
    sentPackets: Number(sent[2]),
    dropped: Number(sent[3]),
    backlogBytes: bytes(backlog[1]!, backlog[2]!),
    backlogPackets: Number(backlog[3]),
  };
}

/** Queueing delay in ms implied by a backlog at a shaping rate (bits/s). */
export function queueDelayMs(backlogBytes: number, rateBitsPerSec: number): number {
  return (backlogBytes * 8 * 1000) / rateBitsPerSec;
}
