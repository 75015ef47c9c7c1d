/**
 * IPv4/TCP packets for the out-of-window injector: parse what a raw socket (Protocol TCP)
 * receives (whole IPv4 packets), build whole IPv4 packets for IP_HDRINCL sends, and forge
 * the server->client segment conntrack judges out of window. Pure: no sockets, no root.
 */
import { tcpChecksum, internetChecksum } from './packet-checksum.js';

/** TCP control flags (URG, ACK, PSH, RST, SYN, FIN); the others are ignored. */
export interface TcpFlags {
  fin: boolean;
  syn: boolean;
  rst: boolean;
  psh: boolean;
  ack: boolean;
  urg: boolean;
}

/** One parsed IPv4/TCP packet. Numbers are unsigned; lengths are in bytes. */
export interface TcpPacket {
  srcIp: string;
  dstIp: string;
  /** IPv4 header length (IHL x 4), 20..60. */
  ipHeaderLength: number;
  /** IPv4 total length field: headers + payload, whatever the buffer held. */
  totalLength: number;
  ttl: number;
  id: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** TCP header length (data offset x 4), 20..60. */
  tcpHeaderLength: number;
  flags: TcpFlags;
  window: number;
  /** TCP checksum field as received (inbound veth traffic may carry a partial one). */
  checksum: number;
  /** totalLength - both headers: the sequence space the payload uses. */
  payloadLength: number;
  /** The payload bytes present in the buffer (a view, not a copy; may be shorter than payloadLength). */
  payload: Buffer;
}

/** What `buildIpv4Tcp` needs. seq/ack are any safe integers, taken modulo 2^32. */
export interface TcpSegment {
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Missing flags are false. */
  flags: Partial<TcpFlags>;
  window: number;
  payload: Buffer;
  /** Default 64. */
  ttl?: number;
  /** IPv4 identification; default 0 (DF is set, so it is never used for reassembly). */
  id?: number;
}

const FLAG_BITS: ReadonlyArray<[keyof TcpFlags, number]> = [
  ['fin', 0x01], ['syn', 0x02], ['rst', 0x04], ['psh', 0x08], ['ack', 0x10], ['urg', 0x20],
];
const TWO_32 = 0x1_0000_0000;

/** Dotted-quad IPv4 address -> 4 bytes. Throws RangeError on anything else. */
export function ipToBuffer(ip: string): Buffer {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) {
    throw new RangeError(`failed to parse IPv4 address "${ip}": expected a.b.c.d with 0..255 each`);
  }
  return Buffer.from(parts.map(Number));
}

/** 4 bytes at `offset` of `buf` -> dotted-quad string. Throws RangeError if out of range. */
export function bufferToIp(buf: Buffer, offset = 0): string {
  if (offset < 0 || offset + 4 > buf.length) {
    throw new RangeError(`failed to read IPv4 address at offset ${offset} of a ${buf.length}-byte buffer`);
  }
  return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

/** Reduces any safe integer (negative too) modulo 2^32. Throws RangeError otherwise. */
export function mod32(n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${n} is not a safe integer`);
  return ((n % TWO_32) + TWO_32) % TWO_32;
}

/**
 * Parses one whole IPv4 packet carrying TCP. Returns null when it is not IPv4 (version),
 * not TCP (protocol 6), a fragment (MF or a fragment offset), or malformed: buffer shorter
 * than both headers, IHL < 5, data offset < 5, or a total length that cannot hold both
 * headers. Trailing bytes after the total length (e.g. Ethernet padding) are ignored.
 * A buffer that holds both headers but only part of the payload (a receive buffer smaller
 * than a GRO-merged segment) IS accepted: payloadLength still comes from the total length
 * and `payload` holds the bytes present. Checksums are not verified (inbound veth traffic
 * carries partial checksums); see packet-checksum.ts to check them.
 */
export function parseIpv4Tcp(buf: Buffer): TcpPacket | null {
  if (buf.length < 20 || (buf[0] as number) >> 4 !== 4 || buf[9] !== 6) return null;
  const ipHeaderLength = ((buf[0] as number) & 0x0f) * 4;
  const totalLength = buf.readUInt16BE(2);
  const fragment = buf.readUInt16BE(6);
  if (ipHeaderLength < 20 || (fragment & 0x3fff) !== 0) return null; // MF or offset set
  if (buf.length < ipHeaderLength + 20) return null;
  const t = ipHeaderLength;
  const tcpHeaderLength = ((buf[t + 12] as number) >> 4) * 4;
  if (tcpHeaderLength < 20 || buf.length < t + tcpHeaderLength) return null;
  const payloadLength = totalLength - ipHeaderLength - tcpHeaderLength;
  if (payloadLength < 0) return null;
  const flagByte = buf[t + 13] as number;
  const flags: TcpFlags = {
    fin: (flagByte & 0x01) !== 0,
    syn: (flagByte & 0x02) !== 0,
    rst: (flagByte & 0x04) !== 0,
    psh: (flagByte & 0x08) !== 0,
    ack: (flagByte & 0x10) !== 0,
    urg: (flagByte & 0x20) !== 0,
  };
  const payloadStart = t + tcpHeaderLength;
  return {
    srcIp: bufferToIp(buf, 12),
    dstIp: bufferToIp(buf, 16),
    ipHeaderLength,
    totalLength,
    ttl: buf[8] as number,
    id: buf.readUInt16BE(4),
    srcPort: buf.readUInt16BE(t),
    dstPort: buf.readUInt16BE(t + 2),
    seq: buf.readUInt32BE(t + 4),
    ack: buf.readUInt32BE(t + 8),
    tcpHeaderLength,
    flags,
    window: buf.readUInt16BE(t + 14),
    checksum: buf.readUInt16BE(t + 16),
    payloadLength,
    payload: buf.subarray(payloadStart, Math.min(buf.length, payloadStart + payloadLength)),
  };
}

function checkUint(what: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`failed to build IPv4/TCP packet: ${what} ${value} is not an integer in 0..${max}`);
  }
}

/**
 * Builds a complete IPv4 packet for an IP_HDRINCL raw socket: a 20-byte IPv4 header (no
 * options, DF set, TTL 64 unless given, protocol 6, correct header checksum) and a
 * 20-byte TCP header (no options, correct checksum over the pseudo-header), then the
 * payload. seq/ack are reduced modulo 2^32. Throws RangeError on a bad address, port,
 * window, ttl, id, seq/ack (not a safe integer) or a packet over 65535 bytes.
 * Returns a new Buffer the caller owns.
 */
export function buildIpv4Tcp(seg: TcpSegment): Buffer {
  const ttl = seg.ttl ?? 64;
  const id = seg.id ?? 0;
  checkUint('srcPort', seg.srcPort, 0xffff);
  checkUint('dstPort', seg.dstPort, 0xffff);
  checkUint('window', seg.window, 0xffff);
  checkUint('ttl', ttl, 0xff);
  checkUint('id', id, 0xffff);
  const totalLength = 40 + seg.payload.length;
  checkUint('total length', totalLength, 0xffff);
  const src = ipToBuffer(seg.srcIp);
  const dst = ipToBuffer(seg.dstIp);
  let seq: number;
  let ack: number;
  try {
    seq = mod32(seg.seq);
    ack = mod32(seg.ack);
  } catch (cause) {
    throw new RangeError(`failed to build IPv4/TCP packet: seq/ack: ${(cause as Error).message}`, { cause });
  }

  const pkt = Buffer.alloc(totalLength);
  pkt[0] = 0x45; // version 4, IHL 5
  pkt.writeUInt16BE(totalLength, 2);
  pkt.writeUInt16BE(id, 4);
  pkt.writeUInt16BE(0x4000, 6); // DF, fragment offset 0
  pkt[8] = ttl;
  pkt[9] = 6;
  src.copy(pkt, 12);
  dst.copy(pkt, 16);
  pkt.writeUInt16BE(internetChecksum(pkt.subarray(0, 20)), 10);

  pkt.writeUInt16BE(seg.srcPort, 20);
  pkt.writeUInt16BE(seg.dstPort, 22);
  pkt.writeUInt32BE(seq, 24);
  pkt.writeUInt32BE(ack, 28);
  pkt[32] = 5 << 4; // data offset 5 words
  pkt[33] = FLAG_BITS.reduce((bits, [name, bit]) => (seg.flags[name] ? bits | bit : bits), 0);
  pkt.writeUInt16BE(seg.window, 34);
  seg.payload.copy(pkt, 40);
  pkt.writeUInt16BE(tcpChecksum(src, dst, pkt.subarray(20)), 36);
  return pkt;
}

/** Receive window the forged segment advertises (a plausible scaled server window). */
export const FORGED_WINDOW = 502;

/**
 * Forges the server->client PSH|ACK reply to `inbound`, a client->server segment sniffed
 * in the server's namespace: addresses and ports swapped,
 * `ack = inbound.seq + inbound.payloadLength (+1 for SYN, +1 for FIN)` (what the server
 * acknowledges next) and `seq = inbound.ack + offset` (the server's next sequence number
 * moved by `offset`: -100000 = stale/below window, +10000000 = above window), both modulo
 * 2^32; window FORGED_WINDOW, TTL 64. Throws if `inbound` has no ACK flag (its ack field
 * is then meaningless) or `offset` is not a safe integer. Returns a new Buffer.
 */
export function forgeOutOfWindowReply(inbound: TcpPacket, offset: number, payload: Buffer): Buffer {
  if (!inbound.flags.ack) {
    throw new Error(
      `failed to forge reply to ${inbound.srcIp}:${inbound.srcPort}: inbound segment has no ACK flag, its ack number is meaningless`,
    );
  }
  if (!Number.isSafeInteger(offset)) throw new RangeError(`failed to forge reply: offset ${offset} is not a safe integer`);
  const consumed = inbound.payloadLength + (inbound.flags.syn ? 1 : 0) + (inbound.flags.fin ? 1 : 0);
  return buildIpv4Tcp({
    srcIp: inbound.dstIp,
    dstIp: inbound.srcIp,
    srcPort: inbound.dstPort,
    dstPort: inbound.srcPort,
    seq: mod32(inbound.ack + offset),
    ack: mod32(inbound.seq + consumed),
    flags: { psh: true, ack: true },
    window: FORGED_WINDOW,
    payload,
  });
}
