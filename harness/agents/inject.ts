/**
 * `inject` agent: runs in the server pod's namespace. A raw socket sniffs inbound TCP
 * segments to the server port; for sampled request segments (payload > 0), at most
 * `ratePerSecond` per second and at most `maxSegments` in all, it sends a forged PSH|ACK
 * server->client segment with `ack = client seq + payload length` and
 * `seq = client's ack + offset` (packet.ts). Prints `ready` once the socket is open and a
 * `result` with `sent` (segments handed to the kernel), `sniffed`, `connections` (distinct
 * client ports hit) and `hits` (each forged segment: when, the client address and port it was
 * forged for as the server sees them, and its seq/ack) when stopped.
 *
 * Duty cycle: a raw socket receives a copy of every inbound TCP segment, and reading each in
 * JavaScript costs the lab a third of its throughput. So after each injection the socket stops
 * reading until the next one is due; its receive buffer is the kernel's minimum, so the kernel
 * drops the copies cheaply meanwhile. On resuming, the first STALE_AFTER_RESUME messages (what
 * sat in that small buffer, by then outdated: their ack numbers would make the client's RST
 * miss) are discarded before a fresh request segment is used. Once `maxSegments` segments are
 * forged the socket stops reading for good.
 *
 * Dry run (`dryRun: true`, sniff only): the same duty cycle at the same rate (resume, discard
 * the stale messages, pre-filter, parse, forge the packet) without sending it; the result
 * counts the forged packets as `wouldHaveSent` and keeps `sent` at 0. The harness benchmark
 * uses it to measure what the injector costs as scenarios run it, without resetting anything.
 *
 * The logic is `createInjector` (socket and timer passed in, so unit tests drive it); the
 * process part runs only when this file is the entry point.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import raw from 'raw-socket';
import { forgeOutOfWindowReply, parseIpv4Tcp } from './packet.js';
import { agentArgs, emit, onStop } from './protocol.js';

/** The agent's JSON argument. */
export interface InjectArgs {
  serverPort: number;
  offset: number;
  ratePerSecond: number;
  maxSegments: number;
  payloadBytes: number;
  /** The payload starts with this text, so evidence rules can recognise injected segments. */
  marker: string;
  /** Sniff only: run the whole duty cycle and forge the packets, but never send them. */
  dryRun?: boolean;
}

/** Messages discarded after each resume (more than the minimum receive buffer can hold). */
export const STALE_AFTER_RESUME = 32;

/** The parts of a raw socket the injector uses (a raw-socket `Socket` has them). */
export interface InjectSocket {
  pauseRecv(): unknown;
  resumeRecv(): unknown;
  send(buffer: Buffer, offset: number, length: number, address: string, afterCallback: (error: Error | null, bytes: number) => void): unknown;
}

/** Clock and timer (performance.now and an unref'd setTimeout in the agent). */
export interface InjectClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): void;
  /** Wall clock in epoch ms for `hits` (default Date.now): joined with the load agent's records. */
  epochMs?(): number;
}

/** One forged segment: when (epoch ms), for which client ip:port (as the server sees it), its seq and ack. */
export interface InjectHit {
  at: number;
  ip: string;
  port: number;
  seq: number;
  ack: number;
}

/** The counters of the `result` event. */
export interface InjectCounts {
  /** Segments the kernel accepted (always 0 in a dry run). */
  sent: number;
  sendErrors: number;
  /** Segments forged but not sent (dry run only; 0 otherwise). */
  wouldHaveSent: number;
  /** Inbound segments to the server port that passed the pre-filter. */
  sniffed: number;
  /** Distinct client ip:port a segment was forged for. */
  connections: number;
  dryRun: boolean;
  /** Every forged segment, in order (sent or, in a dry run, not). */
  hits: InjectHit[];
}

/** The injector: call `onMessage` for every message of the socket; `counts` for the result. */
export function createInjector(args: InjectArgs, socket: InjectSocket, clock: InjectClock): { onMessage(buffer: Buffer): void; counts(): InjectCounts } {
  const intervalMs = 1000 / args.ratePerSecond;
  const dryRun = args.dryRun === true;
  const payload = Buffer.alloc(Math.max(args.payloadBytes, args.marker.length), 'R');
  payload.write(args.marker, 0, 'latin1');
  let nextAllowed = 0;
  /** Segments forged so far (counted at once, unlike `sent`, which waits for the kernel). */
  let forged = 0;
  let sent = 0;
  let sendErrors = 0;
  let sniffed = 0;
  let skip = 0;
  const connections = new Set<string>();
  const hits: InjectHit[] = [];
  const epochMs = clock.epochMs ?? Date.now;

  /** Stops reading until `at` (clock time), then discards the stale backlog; for good after the last segment. */
  function sleepUntil(at: number): void {
    socket.pauseRecv();
    if (forged >= args.maxSegments) return;
    clock.setTimeout(() => {
      skip = STALE_AFTER_RESUME;
      socket.resumeRecv();
    }, Math.max(0, at - clock.now()));
  }

  function onMessage(buffer: Buffer): void {
    if (skip > 0) {
      skip -= 1;
      return;
    }
    // Cheap pre-filter before parsing: IPv4, TCP, destination port = server port.
    if (buffer.length < 40 || buffer[9] !== 6) return;
    const ihl = (buffer[0]! & 0x0f) * 4;
    if (buffer.length < ihl + 20 || buffer.readUInt16BE(ihl + 2) !== args.serverPort) return;
    sniffed += 1;
    const now = clock.now();
    if (now < nextAllowed || forged >= args.maxSegments) return;
    const seg = parseIpv4Tcp(buffer);
    if (!seg || seg.payloadLength === 0 || !seg.flags.ack || seg.flags.rst || seg.flags.syn) return;
    nextAllowed = now + intervalMs;
    const packet = forgeOutOfWindowReply(seg, args.offset, payload);
    forged += 1;
    connections.add(`${seg.srcIp}:${seg.srcPort}`);
    hits.push({ at: epochMs(), ip: seg.srcIp, port: seg.srcPort, seq: packet.readUInt32BE(24), ack: packet.readUInt32BE(28) });
    if (!dryRun) {
      socket.send(packet, 0, packet.length, seg.srcIp, (error) => {
        if (error) sendErrors += 1;
        else sent += 1;
      });
    }
    sleepUntil(nextAllowed);
  }

  return {
    onMessage,
    counts: () => ({ sent, sendErrors, wouldHaveSent: dryRun ? forged : 0, sniffed, connections: connections.size, dryRun, hits }),
  };
}

function main(): void {
  const args = agentArgs<InjectArgs>('inject');
  let socket: raw.Socket;
  try {
    socket = raw.createSocket({ protocol: raw.Protocol.TCP, bufferSize: 256 });
    socket.setOption(raw.SocketLevel.IPPROTO_IP, raw.SocketOption.IP_HDRINCL, 1);
    // The kernel raises this to its minimum: the buffer holds only a handful of segments.
    socket.setOption(raw.SocketLevel.SOL_SOCKET, raw.SocketOption.SO_RCVBUF, 1);
  } catch (error) {
    emit({ event: 'error', message: `inject: failed to open a raw socket: ${(error as Error).message}` });
    process.exit(1);
  }
  const injector = createInjector(args, socket, {
    now: () => performance.now(),
    setTimeout: (fn, ms) => void setTimeout(fn, ms).unref(),
  });
  socket.on('message', (buffer: Buffer) => injector.onMessage(buffer));
  socket.on('error', (error: Error) => {
    emit({ event: 'error', message: `inject: raw socket error: ${error.message}` });
  });

  emit({ event: 'ready', offset: args.offset, ratePerSecond: args.ratePerSecond, dryRun: args.dryRun === true });

  onStop(() => {
    socket.close();
    emit({ event: 'result', ...injector.counts() });
    process.exit(0);
  });
}

/** True when this module is the process's entry point (not imported by a test). */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) main();
