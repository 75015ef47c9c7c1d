/**
 * What happened to each connection a leaked segment hit: the injector's hits (which client
 * port, when, the forged seq/ack), the RSTs a capture in the server's namespace saw, and the
 * load agent's record of its sockets, joined by client port and time. Pure.
 *
 * A hit *leaked* when the client side answered it: a RST to the server port from the hit's
 * port whose seq is the forged segment's ack (the client kernel's reply to a segment for no
 * socket, RFC 793: seq = the segment's ack). Its *fate* is how the load agent's socket on that
 * port, open at the hit, then ended:
 * - `econnreset`: it got ECONNRESET (the load agent counted a reset);
 * - `other-error`: another socket error (`code`, e.g. EPIPE);
 * - `closed`: the server closed it with a FIN; autocannon reconnected without an error;
 * - `timed-out`: no answer until autocannon's request timeout (the server had dropped it
 *   without the client sending anything the server could answer with a RST);
 * - `hung-at-stop`: still open when the load stopped, waiting for a response, and the server
 *   answered the quiet close with a RST: the server had dropped it and the client, whose request
 *   the server had already acknowledged, had nothing to send that would draw a RST sooner;
 * - `survived`: it went on serving responses after the RST (the server did not take the RST),
 *   or was still open at the stop and closed cleanly;
 * - `unmatched`: no socket of the load agent had that port at that time.
 * `serverRstAt` is the first RST the server itself sent to that port after the client's RST
 * (and before the client answered another forged segment there): the server had no socket for
 * it any more.
 *
 * Counting: per socket, the leak the server took is the first one followed (before the next
 * leak with another ack) by a RST from the server; leaks before it `survived` (the RST's seq no
 * longer matched: the next request had already arrived); leaks after it are *repeats* (the
 * client retransmitted its request, or sent the next one, to a server side already gone, and
 * the injector forged again). `connections` = leaks that are not repeats, each with one fate,
 * and server resets = connections - survived when nothing else resets the server's connections.
 */
import type { InjectHit } from '../agents/inject.js';
import type { ConnRecord } from '../agents/conn-log.js';
import { parseTcpdump, type CapturedSegment } from './parse-tcpdump.js';

/** The fate names, in the order reports list them. */
export const FATES = ['econnreset', 'other-error', 'closed', 'timed-out', 'hung-at-stop', 'survived', 'unmatched'] as const;
export type Fate = (typeof FATES)[number];

/** One leaked segment and its connection's fate. Times are epoch ms. */
export interface LeakedFate {
  at: number;
  port: number;
  ack: number;
  /** When the client side's RST reached the server's namespace. */
  rstAt: number;
  /** The server's first own RST to that port after it (it had no socket any more), if any. */
  serverRstAt?: number;
  fate: Fate;
  /** The socket error code (econnreset, other-error). */
  code?: string;
  /** Milliseconds from the client's RST to the end of the socket (null: open at the stop). */
  endedAfterMs?: number | null;
  /** Responses the socket completed after the client's RST (counted up to the agent's RECENT_RESPONSES). */
  responsesAfter?: number;
  /** Response bytes received after the last complete response when the socket ended (a response cut off). */
  pendingBytes?: number;
  /**
   * The server had already dropped this connection for an earlier leaked segment (the client
   * retransmitted its request, or sent the next one, and the injector forged again). Its fate
   * is that connection's, counted once.
   */
  repeat?: boolean;
}

/** Counts of leaked segments per fate (every fate present, 0 when none). */
export type FateCounts = Record<Fate, number>;

/** How far a capture timestamp and an agent's clock may disagree (ms; same kernel clock, different processes). */
const SLACK_MS = 50;
/** A socket stopped with the load is still closing (quietly) this long after (the load agent's close grace). */
const TEARDOWN_MS = 2_500;
/** A client RST later than this after its hit is not taken as its answer. */
const RST_WITHIN_MS = 10_000;

/** The fate of every leaked hit, in hit order. */
export function leakedFates(hits: InjectHit[], rsts: CapturedSegment[], conns: ConnRecord[], serverPort: number): LeakedFate[] {
  const used = new Set<CapturedSegment>();
  const leaks: Array<{ hit: InjectHit; rst: CapturedSegment; conn: ConnRecord | undefined }> = [];
  for (const hit of hits) {
    const rst = rsts.find(
      (r) => !used.has(r) && r.dport === serverPort && r.sport === hit.port && r.seq === hit.ack && r.atMs >= hit.at - SLACK_MS && r.atMs <= hit.at + RST_WITHIN_MS,
    );
    if (!rst) continue;
    used.add(rst);
    const conn = conns.find((c) => c.port === hit.port && c.openedAt <= hit.at + SLACK_MS && (c.endedAt === null || c.endedAt + (c.end === 'stopped' ? TEARDOWN_MS : 0) >= hit.at - SLACK_MS));
    leaks.push({ hit, rst, conn });
  }
  // Per socket (or per port when no socket matched), the leaks in order; the first one whose
  // window (until the next leak with another ack) holds a RST from the server is the one the
  // server took: those before it survived, those after it hit a connection already gone.
  const groups = new Map<ConnRecord | number, typeof leaks>();
  for (const l of leaks) {
    const key = l.conn ?? l.hit.port;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  const out = new Map<(typeof leaks)[number], LeakedFate>();
  for (const group of groups.values()) {
    const serverRstFor = (k: number) => {
      const { hit, rst } = group[k]!;
      const next = group.slice(k + 1).find((l) => l.hit.ack !== hit.ack);
      return rsts.find((r) => r.sport === serverPort && r.dport === hit.port && r.atMs >= rst.atMs && (!next || r.atMs < next.rst.atMs));
    };
    let taken = group.findIndex((_, k) => serverRstFor(k) !== undefined);
    const evidence = taken >= 0;
    // No RST from the server at all (e.g. the capture missed it): the last request hit decides.
    if (!evidence) taken = group.findIndex((l) => l.hit.ack === group[group.length - 1]!.hit.ack);
    group.forEach((l, k) => {
      const { hit, rst, conn } = l;
      const serverRst = serverRstFor(k);
      const base: LeakedFate = { at: hit.at, port: hit.port, ack: hit.ack, rstAt: rst.atMs, ...(serverRst ? { serverRstAt: serverRst.atMs } : {}), fate: 'unmatched' };
      const responsesAfter = conn ? conn.recentResponses.filter((t) => t > rst.atMs + SLACK_MS).length : 0;
      const detail = conn
        ? {
            ...(conn.code ? { code: conn.code } : {}),
            endedAfterMs: conn.endedAt === null || conn.end === 'stopped' ? null : Math.max(0, conn.endedAt - rst.atMs),
            responsesAfter,
            pendingBytes: conn.pendingBytes,
          }
        : {};
      const fate: Fate = k < taken ? 'survived' : !conn ? 'unmatched' : fateOf(conn, evidence ? 0 : responsesAfter, evidence);
      out.set(l, { ...base, fate, ...detail, ...(k > taken ? { repeat: true } : {}) });
    });
  }
  return leaks.map((l) => out.get(l)!);
}

function fateOf(conn: ConnRecord, responsesAfter: number, serverDropped: boolean): Fate {
  // Two responses after the RST: the request in flight at the hit, and at least one more.
  if (responsesAfter >= 2) return 'survived';
  switch (conn.end) {
    case 'error':
      return conn.code === 'ECONNRESET' ? 'econnreset' : 'other-error';
    case 'fin':
      return 'closed';
    case 'timeout':
      return 'timed-out';
    case 'stopped':
      // The server's RST after the leak (its answer to the quiet close) or the close's own record.
      return serverDropped || conn.teardown === 'reset' ? 'hung-at-stop' : 'survived';
    default:
      return 'survived';
  }
}

/** Connections per fate: each leaked segment that is not a repeat. */
export function countFates(fates: LeakedFate[]): FateCounts {
  const counts = Object.fromEntries(FATES.map((f) => [f, 0])) as FateCounts;
  for (const f of fates) if (!f.repeat) counts[f.fate] += 1;
  return counts;
}

/** `Evidence.leakFates` from per-segment fates. */
export function leakFateEvidence(fates: LeakedFate[]) {
  const c = countFates(fates);
  const firsts = fates.filter((f) => !f.repeat);
  return {
    segments: fates.length,
    repeats: fates.length - firsts.length,
    connections: firsts.length,
    econnreset: c.econnreset,
    otherError: c['other-error'],
    closed: c.closed,
    timedOut: c['timed-out'],
    hungAtStop: c['hung-at-stop'],
    survived: c.survived,
    unmatched: c.unmatched,
    serverAnsweredRst: firsts.filter((f) => f.serverRstAt !== undefined).length,
  };
}

/**
 * From an inject fault's trace and the load agent's records: the leaked fates, their evidence
 * counts, and the trace kept in the report (hits, RST lines and records of the ports a RST named).
 * With no capture: only the trace's `problem`.
 */
export function connectionFates(
  trace: { hits: InjectHit[]; rstLines?: string[]; captureProblem?: string },
  conns: ConnRecord[] | null,
  serverPort: number,
) {
  if (!trace.rstLines || !conns) {
    return { connectionTrace: { problem: trace.captureProblem ?? 'the load agent kept no connection records' } };
  }
  const rsts = parseTcpdump(trace.rstLines.join('\n'));
  const leaked = leakedFates(trace.hits, rsts, conns, serverPort);
  const ports = new Set(rsts.flatMap((r) => [r.sport, r.dport]));
  return {
    leakFates: leakFateEvidence(leaked),
    leakedConnections: leaked,
    connectionTrace: {
      hits: trace.hits.filter((h) => ports.has(h.port)) as unknown as Record<string, unknown>[],
      rstLines: trace.rstLines,
      connections: conns.filter((c) => ports.has(c.port)) as unknown as Record<string, unknown>[],
    },
  };
}
