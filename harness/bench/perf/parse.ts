/**
 * Parsers for the reference tools' output and for /proc/<pid>/status. Pure; each throws
 * "failed to parse <what>" with the text's start when the output is not what it should be.
 */

/** What wrk measured. */
export interface WrkResult {
  requests: number;
  durationSec: number;
  requestsPerSec: number;
  /** `Transfer/sec` (response bytes read, headers included) in bytes per second. */
  bytesPerSec: number;
  /** Socket errors (connect + read + write + timeout) and non-2xx responses; 0 when wrk printed none. */
  errors: number;
}

const BINARY_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

function fail(what: string, text: string): never {
  throw new Error(`failed to parse ${what}: ${JSON.stringify(text.slice(0, 200))}`);
}

/** Parses wrk's (4.x) plain summary: `N requests in Xs`, `Requests/sec:`, `Transfer/sec:` (1024-based units). */
export function parseWrk(text: string): WrkResult {
  const reqs = /(\d+) requests in ([\d.]+)(us|ms|s|m)\b/.exec(text);
  const rate = /Requests\/sec:\s*([\d.]+)/.exec(text);
  const transfer = /Transfer\/sec:\s*([\d.]+)([KMGT]?B)/.exec(text);
  if (!reqs || !rate || !transfer) fail('wrk output', text);
  const unit = { us: 1e-6, ms: 1e-3, s: 1, m: 60 }[reqs[3] as 'us' | 'ms' | 's' | 'm'];
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  const errors = (sock ? sock.slice(1, 5).reduce((s, n) => s + Number(n), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0);
  return {
    requests: Number(reqs[1]),
    durationSec: Number(reqs[2]) * unit,
    requestsPerSec: Number(rate[1]),
    bytesPerSec: Number(transfer[1]) * BINARY_UNITS[transfer[2]!]!,
    errors,
  };
}

/** What an iperf3 client measured (from `-J`). */
export interface IperfResult {
  /** Received by the server, bits per second (the ceiling figure). */
  receivedBitsPerSec: number;
  sentBitsPerSec: number;
  durationSec: number;
  retransmits: number;
}

/** Parses `iperf3 -c ... -J` output (end.sum_received / end.sum_sent). */
export function parseIperf3(text: string): IperfResult {
  let doc: { end?: { sum_received?: Record<string, number>; sum_sent?: Record<string, number> }; error?: string };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    fail('iperf3 JSON', text);
  }
  if (doc.error) throw new Error(`iperf3 failed: ${doc.error}`);
  const rx = doc.end?.sum_received;
  const tx = doc.end?.sum_sent;
  if (!rx || !tx || typeof rx['bits_per_second'] !== 'number') fail('iperf3 JSON (no end.sum_received)', text);
  return {
    receivedBitsPerSec: rx['bits_per_second']!,
    sentBitsPerSec: tx['bits_per_second'] ?? 0,
    durationSec: rx['seconds'] ?? 0,
    retransmits: tx['retransmits'] ?? 0,
  };
}

/** `VmHWM` (peak resident set) and `VmRSS` in KiB from /proc/<pid>/status; null for a kernel thread or gone process. */
export function parseProcStatusMemory(text: string): { hwmKiB: number; rssKiB: number } | null {
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(text);
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(text);
  return hwm && rss ? { hwmKiB: Number(hwm[1]), rssKiB: Number(rss[1]) } : null;
}
