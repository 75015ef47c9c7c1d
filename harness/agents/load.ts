/**
 * `load` agent: autocannon against the Service VIP. Args: `{ url, connections, durationSec,
 * pipelining, countEveryMs?, sampleEveryMs? }`. Prints a `tick` every second (`second`, `requests`, `resets` in it) and a
 * `result` with requests, failed requests by `err.code` from `reqError`, connection errors by
 * code (`connectionErrors`: one per broken connection, whatever the pipelining: autocannon
 * emits `reqError` once per pipelined request), throughput and latency percentiles.
 * autocannon's own `resets` field counts request-list restarts, not TCP resets. The tick's
 * `resets` counts connections reset by peer. With `countEveryMs`, a `count` event carries the
 * cumulative requests and resets (for the sequential stopping rule).
 * The result's `samples` are the same counts taken every `sampleEveryMs` (default 1000, own
 * timer): `{ endMs, requests, resets }`, `endMs` read from the clock when the sample was
 * taken, since the agent started (the clock of `count`'s `elapsedMs`), each covering the time
 * since the previous one; the last ends when the load ended, so the samples add up to every
 * response the agent counted (the ticks leave out the last partial second).
 *
 * Latency fix (KNOWLEDGE.md §5): after a connection error autocannon reconnects but keeps the
 * lost request in its pipelined queue and the HTTP parser mid-message, so the next response
 * is timed from the lost request. `setupClient` clears both on every reconnect.
 *
 * Load shapes beyond autocannon's options (8.0.0 rate-limits only in whole requests per second
 * per connection, so it cannot leave a keep-alive connection silent for seconds):
 * - `idle`: after every `afterRequests` responses on a client, its next request waits `gapMs`
 *   on the same open connection (its request timeout is pushed past the gap, so autocannon does
 *   not count the gap as a timeout);
 * - `keepaliveIdleMs`: every connection gets SO_KEEPALIVE with TCP_KEEPIDLE of that many ms
 *   (whole seconds; Node's setKeepAlive; libuv 1.46 also sets TCP_KEEPINTVL 1 s, TCP_KEEPCNT 10).
 *
 * Quiet teardown: autocannon ends a run by destroying every socket, which sends a RST for
 * each response still in flight. Those RSTs would pollute the evidence counters (client
 * RSTs, server EstabResets), so the final teardown instead half-closes (FIN), drains and
 * waits up to 2 s for the server to close before the agent exits.
 *
 * Warm start (`startOnSignal: true`): the agent loads everything, prints `armed`, and starts
 * the load only on SIGUSR2 (the harness starts it while the arm is being set up, so Node's
 * start-up and autocannon's import are not on the arm's clock); all its clocks start then. A
 * stop before the signal exits at once with no result.
 *
 * Connections: the result's `connections` lists every client socket (conn-log.ts: local port,
 * when it opened and ended, how it ended); a `result-more` event repeats them once the quiet
 * teardown has finished, with what each close saw.
 */
import autocannon, { type Client, type Result } from 'autocannon';
import * as hdr from 'hdr-histogram-js';
import type { Socket } from 'node:net';
import { ConnLog } from './conn-log.js';
import { agentArgs, emit, onStop } from './protocol.js';

interface LoadArgs {
  url: string;
  connections: number;
  durationSec: number;
  pipelining: number;
  /** Idle gaps: after every `afterRequests` responses a connection stays silent for `gapMs`. */
  idle?: { afterRequests: number; gapMs: number };
  /** TCP keepalive on every connection: idle time before the first probe, ms. */
  keepaliveIdleMs?: number;
  /** When set, also print a `count` event (cumulative `requests`, `resets`, `elapsedMs`) this often, for sequential stopping. */
  countEveryMs?: number;
  /** Period of the result's `samples` (ms, at most 1000); default 1000. */
  sampleEveryMs?: number;
  /** Warm start: print `armed`, start on SIGUSR2 (see module doc). */
  startOnSignal?: boolean;
}

/** What autocannon 8.0.0's run.js hands its callback with `skipAggregateResult` (the fields used). */
interface RawTotals {
  totalCompletedRequests: number;
  totalRequests: number;
  totalBytes: number;
  duration: number;
  timeouts: number;
  non2xx: number;
}

const args = agentArgs<LoadArgs>('load');
const errors: Record<string, number> = {};
const connectionErrors: Record<string, number> = {};
let sampleRequests = 0;
let sampleResets = 0;
let tickRequests = 0;
let tickResets = 0;
let second = 0;
let totalRequests = 0;
let totalResets = 0;
let started = performance.now();
const sampleEveryMs = args.sampleEveryMs && args.sampleEveryMs > 0 && args.sampleEveryMs <= 1000 ? Math.round(args.sampleEveryMs) : 1000;
const samples: Array<{ endMs: number; requests: number; resets: number }> = [];

const closing = new Set<Promise<void>>();
const connLog = new ConnLog();

/** Closes a socket with FIN, discarding what still arrives; resolves when it is gone (or after 2 s). */
function closeQuietly(conn: Socket): void {
  conn.removeAllListeners('data');
  conn.removeAllListeners('end');
  conn.removeAllListeners('error');
  conn.on('error', (err: NodeJS.ErrnoException) => connLog.teardown(conn, err.code === 'ECONNRESET' ? 'reset' : 'closed'));
  const done = new Promise<void>((resolve) => {
    conn.once('close', () => {
      connLog.teardown(conn, 'closed');
      resolve();
    });
    setTimeout(() => {
      connLog.teardown(conn, 'no-answer');
      conn.destroy();
      resolve();
    }, 2000).unref();
  });
  closing.add(done);
  conn.resume();
  conn.end();
}

/** Per-connection fixes (see module doc): state reset on reconnect, quiet final teardown. */
function setupClient(client: Client): void {
  const reset = () => {
    client.pipelinedRequests.clear();
    client.parser.initialize(client.parser.type);
  };
  client.on('connError', reset);
  client.on('connError', (err: NodeJS.ErrnoException) => {
    const code = err.code ?? 'OTHER';
    connectionErrors[code] = (connectionErrors[code] ?? 0) + 1;
    if (code === 'ECONNRESET') {
      tickResets += 1;
      sampleResets += 1;
      totalResets += 1;
    }
  });
  // autocannon joins every response body into a string for body checks resetlab never asks
  // for; at 64 KiB per response that is most of the agent's garbage. Skip it.
  client.pipelinedRequests.addBody = () => undefined;
  const connect = client._connect.bind(client);
  client._connect = () => {
    connect();
    connLog.opened(client.conn);
  };
  const destroyConnection = client._destroyConnection.bind(client);
  client._destroyConnection = () => {
    // Besides the final teardown, autocannon destroys a socket only on its request timeout.
    connLog.ended(client.conn, client.destroyed ? 'stopped' : 'timeout');
    if (!client.destroyed) return destroyConnection();
    client.pipelinedRequests.clear();
    closeQuietly(client.conn);
  };
}

/** The idle-gap and keepalive shapes (see module doc); internals of autocannon 8.0.0's Client. */
function shapeClient(client: Client): void {
  const c = client as Client & { _doRequest(): void; _connect(): void; conn: Socket; timeoutTicker: { reschedule(ms: number): void }; destroyed: boolean };
  if (args.keepaliveIdleMs !== undefined) {
    const connect = c._connect.bind(c);
    const idleMs = args.keepaliveIdleMs;
    c._connect = () => {
      connect();
      c.conn.setKeepAlive(true, idleMs);
    };
  }
  const idle = args.idle;
  if (idle) {
    let sinceGap = 0;
    let waiting = false;
    const doRequest = c._doRequest.bind(c);
    c.on('response', () => void (sinceGap += 1));
    c._doRequest = () => {
      if (waiting) return;
      if (sinceGap >= idle.afterRequests && !c.destroyed) {
        sinceGap = 0;
        waiting = true;
        c.timeoutTicker.reschedule(idle.gapMs + 10_000);
        setTimeout(() => {
          waiting = false;
          if (!c.destroyed) doRequest();
        }, idle.gapMs);
        return;
      }
      doRequest();
    };
  }
}

/** Starts the load (at once, or on SIGUSR2 with a warm start). */
function begin(): ReturnType<typeof autocannon> {
  started = performance.now();
  const instance = autocannon(
    {
      url: args.url,
      connections: args.connections,
      duration: args.durationSec,
      pipelining: args.pipelining,
      timeout: 10,
      // autocannon acts on stop() only at its next sample; sample often when the run may stop early.
      ...(args.countEveryMs ? { sampleInt: 100 } : {}),
      // Its raw totals, without its aggregation (decoding its WebAssembly histograms for
      // percentiles resetlab computes itself): in a 6.1 guest that step threw once in
      // hdr-histogram-percentiles-obj and the agent died without a result.
      ...({ skipAggregateResult: true } as object),
      setupClient: (client: Client) => {
        setupClient(client);
        shapeClient(client);
      },
    },
    (err: Error | null, totals: Result) => {
      // skipAggregateResult: the callback gets run.js's raw totals (autocannon 8.0.0), not a Result.
      const raw = totals as unknown as RawTotals;
      clearInterval(ticker);
      clearInterval(sampler);
      if (counter) clearInterval(counter);
      takeSample();
      if (err) {
        emit({ event: 'error', message: `load: ${err.message}` });
        process.exit(1);
      }
      const result_ = {
        event: 'result' as const,
        requests: raw.totalCompletedRequests,
        sent: raw.totalRequests,
        errors,
        connectionErrors,
        durationSec: raw.duration,
        throughputBytesPerSec: raw.totalBytes / Math.max(raw.duration, 1e-9),
        requestsPerSec: raw.totalCompletedRequests / Math.max(raw.duration, 1e-9),
        latencyMs: {
          p50: latencyUs.getValueAtPercentile(50) / 1000,
          p90: latencyUs.getValueAtPercentile(90) / 1000,
          p99: latencyUs.getValueAtPercentile(99) / 1000,
          max: latencyUs.maxValue / 1000,
          mean: latencyUs.mean / 1000,
        },
        timeouts: raw.timeouts,
        non2xx: raw.non2xx,
        samplePeriodMs: sampleEveryMs,
        samples,
      };
      // The result goes out at once (a stop's grace may end before the teardown does); what the
      // quiet close saw of each socket follows when it is done.
      emit({ ...result_, connections: connLog.all(), connectionsNeverConnected: connLog.neverConnected() });
      void Promise.all(closing).then(() => {
        emit({ event: 'result-more', connections: connLog.all() });
        process.exit(0);
      });
    },
  );

  // autocannon's own histogram keeps whole milliseconds; sub-millisecond responses on a fast lab
  // would all read 0 ms. Record every response time in microseconds instead (same hdr library).
  const latencyUs = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  instance.on('response', (client: Client, _status: number, _bytes: number, responseTimeMs: number) => {
    tickRequests += 1;
    sampleRequests += 1;
    totalRequests += 1;
    connLog.response(client.conn);
    latencyUs.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
  });
  instance.on('reqError', (err: NodeJS.ErrnoException) => {
    const code = err.code ?? (/timed out/.test(err.message) ? 'TIMEOUT' : 'OTHER');
    errors[code] = (errors[code] ?? 0) + 1;
  });
  const ticker = setInterval(() => {
    second += 1;
    emit({ event: 'tick', second, requests: tickRequests, resets: tickResets });
    tickRequests = 0;
    tickResets = 0;
  }, 1000);
  /** Closes the current sample now. */
  function takeSample(): void {
    samples.push({ endMs: Math.round(performance.now() - started), requests: sampleRequests, resets: sampleResets });
    sampleRequests = 0;
    sampleResets = 0;
  }
  const sampler = setInterval(takeSample, sampleEveryMs);
  const counter =
    args.countEveryMs && args.countEveryMs > 0
      ? setInterval(() => emit({ event: 'count', requests: totalRequests, resets: totalResets, elapsedMs: Math.round(performance.now() - started) }), args.countEveryMs)
      : null;
  emit({ event: 'ready' });
  onStop(() => instance.stop());
    return instance;
}

if (args.startOnSignal) {
  let begun = false;
  process.once('SIGUSR2', () => {
    begun = true;
    begin();
  });
  // A stop before the signal: nothing ran, nothing to report.
  const leave = () => {
    if (!begun) process.exit(0);
  };
  process.once('SIGTERM', leave);
  process.once('SIGINT', leave);
  process.stdin.once('end', leave);
  process.stdin.resume();
  emit({ event: 'armed' });
} else {
  begin();
}
