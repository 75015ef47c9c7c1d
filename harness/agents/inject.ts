/**
 * `inject` agent: runs in the server pod's namespace. A raw socket sniffs inbound TCP
 * segments to the server port; for sampled request segments (payload > 0), at most
 * `ratePerSecond` per second and at most `maxSegments` in all, it sends a forged PSH|ACK
 * server->client segment with `ack = client seq + payload length` and
 * `seq = client's ack + offset` (packet.ts). Prints `ready` once the socket is open and a
 * `result` with `sent` (segments handed to the kernel), `sniffed` and `connections` (distinct
 * client ports hit) when stopped.
 *
 * Duty cycle: a raw socket receives a copy of every inbound TCP segment, and reading each in
 * JavaScript costs the lab a third of its throughput. So after each injection the socket stops
 * reading until the next one is due; its receive buffer is the kernel's minimum, so the kernel
 * drops the copies cheaply meanwhile. On resuming, the first STALE_AFTER_RESUME messages (what
 * sat in that small buffer, by then outdated: their ack numbers would make the client's RST
 * miss) are discarded before a fresh request segment is used.
 */
import raw from 'raw-socket';
import { forgeOutOfWindowReply, parseIpv4Tcp } from './packet.js';
import { agentArgs, emit, onStop } from './protocol.js';

interface InjectArgs {
  serverPort: number;
  offset: number;
  ratePerSecond: number;
  maxSegments: number;
  payloadBytes: number;
  /** The payload starts with this text, so evidence rules can recognise injected segments. */
  marker: string;
}

const args = agentArgs<InjectArgs>('inject');
const intervalMs = 1000 / args.ratePerSecond;
const payload = Buffer.alloc(Math.max(args.payloadBytes, args.marker.length), 'R');
payload.write(args.marker, 0, 'latin1');
let nextAllowed = 0;
let sent = 0;
let sendErrors = 0;
let sniffed = 0;
const connections = new Set<string>();

/** Messages discarded after each resume (more than the minimum receive buffer can hold). */
const STALE_AFTER_RESUME = 32;
let skip = 0;

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

/** Stops reading until `at` (performance.now() time), then discards the stale backlog. */
function sleepUntil(at: number): void {
  socket.pauseRecv();
  if (sent >= args.maxSegments) return;
  setTimeout(() => {
    skip = STALE_AFTER_RESUME;
    socket.resumeRecv();
  }, Math.max(0, at - performance.now())).unref();
}

socket.on('message', (buffer: Buffer) => {
  if (skip > 0) {
    skip -= 1;
    return;
  }
  // Cheap pre-filter before parsing: IPv4, TCP, destination port = server port.
  if (buffer.length < 40 || buffer[9] !== 6) return;
  const ihl = (buffer[0]! & 0x0f) * 4;
  if (buffer.length < ihl + 20 || buffer.readUInt16BE(ihl + 2) !== args.serverPort) return;
  sniffed += 1;
  const now = performance.now();
  if (now < nextAllowed || sent >= args.maxSegments) return;
  const seg = parseIpv4Tcp(buffer);
  if (!seg || seg.payloadLength === 0 || !seg.flags.ack || seg.flags.rst || seg.flags.syn) return;
  nextAllowed = now + intervalMs;
  const packet = forgeOutOfWindowReply(seg, args.offset, payload);
  connections.add(`${seg.srcIp}:${seg.srcPort}`);
  socket.send(packet, 0, packet.length, seg.srcIp, (error) => {
    if (error) sendErrors += 1;
    else sent += 1;
  });
  sleepUntil(nextAllowed);
});
socket.on('error', (error: Error) => {
  emit({ event: 'error', message: `inject: raw socket error: ${error.message}` });
});

emit({ event: 'ready', offset: args.offset, ratePerSecond: args.ratePerSecond });

onStop(() => {
  socket.close();
  emit({ event: 'result', sent, sendErrors, sniffed, connections: connections.size });
  process.exit(0);
});
