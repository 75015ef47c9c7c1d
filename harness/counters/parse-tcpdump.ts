/**
 * Parses tcpdump's one-line output (`tcpdump -n -tt -S`, tcpdump 4.99; with `-i any` each line
 * also names the interface and direction) into TCP segments. Pure. Lines that are not IPv4 TCP
 * segments (tcpdump's own messages, other protocols) are skipped.
 */

/** One captured TCP segment: epoch time in ms, addresses, flags as tcpdump prints them, absolute seq/ack. */
export interface CapturedSegment {
  atMs: number;
  iface?: string;
  direction?: string;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** tcpdump's flag letters, e.g. "R", "R.", "P.", "S". */
  flags: string;
  seq: number;
  ack?: number;
  length: number;
}

const LINE =
  /^(\d+\.\d+)\s+(?:(\S+)\s+(In|Out|M|B|P)\s+)?IP\s+(\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+): Flags \[([^\]]*)\], seq (\d+)(?::\d+)?(?:, ack (\d+))?.*?, length (\d+)/;

/** The TCP segments in `text` (one tcpdump line each), in capture order. */
export function parseTcpdump(text: string): CapturedSegment[] {
  const out: CapturedSegment[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    out.push({
      atMs: Math.round(Number(m[1]) * 1000 * 1000) / 1000,
      ...(m[2] ? { iface: m[2], direction: m[3] } : {}),
      src: m[4]!,
      sport: Number(m[5]),
      dst: m[6]!,
      dport: Number(m[7]),
      flags: m[8]!,
      seq: Number(m[9]),
      ...(m[10] !== undefined ? { ack: Number(m[10]) } : {}),
      length: Number(m[11]),
    });
  }
  return out;
}
