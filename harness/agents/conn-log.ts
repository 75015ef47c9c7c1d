/**
 * The load agent's record of every client socket it opened: local address and port (what the
 * server sees when nothing masquerades), when it opened and ended, how it ended, and how many
 * responses it carried. The harness joins these with the injector's hits by port and time
 * (counters/fates.ts) to tell what happened to each connection a leaked segment hit.
 *
 * How a socket ends (`end`):
 * - `error`: the socket emitted an error (`code`, e.g. ECONNRESET): autocannon counted a
 *   connection error and reconnected;
 * - `fin`: the peer closed it (FIN): autocannon reconnected without any error;
 * - `timeout`: autocannon's request timeout destroyed it and reconnected (counted as a timeout);
 * - `stopped`: still open when the load stopped; `teardown` says what the quiet close then saw:
 *   `closed` (the peer answered the FIN), `reset` (the peer answered with a RST: its side was
 *   already gone) or `no-answer` (nothing within the close grace).
 * `pendingBytes` counts response bytes received after the last complete response (a response
 * cut off part-way when the socket ended).
 */
import type { Socket } from 'node:net';

/** How many response times a record keeps (enough to tell a connection that went on serving). */
export const RECENT_RESPONSES = 3;

/** One client socket's life, as the load agent saw it (times are epoch milliseconds). */
export interface ConnRecord {
  address: string;
  port: number;
  openedAt: number;
  endedAt: number | null;
  end: 'error' | 'fin' | 'timeout' | 'stopped' | 'open';
  code?: string;
  teardown?: 'closed' | 'reset' | 'no-answer';
  responses: number;
  /** When its last few responses completed (at most RECENT_RESPONSES, oldest first). */
  recentResponses: number[];
  pendingBytes: number;
}

/** Keeps the records; `now` is the wall clock (Date.now in the agent). */
export class ConnLog {
  private readonly records: ConnRecord[] = [];
  private readonly bySocket = new WeakMap<Socket, ConnRecord>();
  constructor(private readonly now: () => number = Date.now) {}

  /** Starts a record for a socket autocannon just opened (address and port once connected). */
  opened(conn: Socket): ConnRecord {
    const rec: ConnRecord = { address: '', port: 0, openedAt: this.now(), endedAt: null, end: 'open', responses: 0, recentResponses: [], pendingBytes: 0 };
    this.records.push(rec);
    this.bySocket.set(conn, rec);
    const learn = () => {
      rec.address = conn.localAddress ?? '';
      rec.port = conn.localPort ?? 0;
    };
    if (conn.localPort) learn();
    else conn.once('connect', learn);
    conn.on('error', (err: NodeJS.ErrnoException) => this.ended(conn, 'error', err.code ?? 'OTHER'));
    conn.on('end', () => this.ended(conn, 'fin'));
    // Before autocannon's own listener, so a chunk that completes a response is not left pending.
    conn.prependListener('data', (chunk: Buffer) => {
      if (rec.end === 'open') rec.pendingBytes += chunk.length;
    });
    return rec;
  }

  /** A response completed on `conn`; the next request is sent at once (pipelining keeps one outstanding). */
  response(conn: Socket | undefined): void {
    const rec = conn && this.bySocket.get(conn);
    if (!rec) return;
    rec.responses += 1;
    rec.recentResponses.push(this.now());
    if (rec.recentResponses.length > RECENT_RESPONSES) rec.recentResponses.shift();
    rec.pendingBytes = 0;
  }

  /** The socket ended (first cause wins). */
  ended(conn: Socket, end: 'error' | 'fin' | 'timeout' | 'stopped', code?: string): void {
    const rec = this.bySocket.get(conn);
    if (!rec || rec.end !== 'open') return;
    rec.end = end;
    rec.endedAt = this.now();
    if (code) rec.code = code;
  }

  /** What the quiet close of a `stopped` socket saw. */
  teardown(conn: Socket, how: 'closed' | 'reset' | 'no-answer'): void {
    const rec = this.bySocket.get(conn);
    if (rec && rec.teardown === undefined) rec.teardown = how;
  }

  /**
   * Every socket that connected, in opening order. A socket that never connected (refused,
   * unreachable) carried no traffic, so no segment can have hit it: it is only counted
   * (`neverConnected`). Listing each one made a refused load's result line half a megabyte
   * (1516 refused reconnects in 1 s), which a container's log stream does not carry whole.
   */
  all(): ConnRecord[] {
    return this.records.filter((r) => r.port > 0);
  }

  /** How many sockets never connected (left out of `all()`). */
  neverConnected(): number {
    return this.records.filter((r) => r.port === 0).length;
  }
}
