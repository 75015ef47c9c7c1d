import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildIpv4Tcp,
  bufferToIp,
  forgeOutOfWindowReply,
  FORGED_WINDOW,
  ipToBuffer,
  mod32,
  parseIpv4Tcp,
  type TcpFlags,
  type TcpPacket,
  type TcpSegment,
} from './packet.js';
import { internetChecksum, onesComplementSum, tcpChecksum, tcpPseudoHeader } from './packet-checksum.js';

/** Reads test/fixtures/packets/<name>.hex (lines starting with # are comments). */
function fixture(name: string): Buffer {
  const text = readFileSync(new URL(`../../test/fixtures/packets/${name}.hex`, import.meta.url), 'utf8');
  const hex = text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  return Buffer.from(hex, 'hex');
}

function mustParse(buf: Buffer): TcpPacket {
  const p = parseIpv4Tcp(buf);
  if (!p) throw new Error('expected a TCP packet');
  return p;
}

/** True when both the IPv4 header and the TCP checksum of a whole packet verify. */
function checksumsValid(pkt: Buffer): boolean {
  const p = mustParse(pkt);
  const ipOk = onesComplementSum(pkt.subarray(0, p.ipHeaderLength)) === 0xffff;
  const tcp = pkt.subarray(p.ipHeaderLength, p.totalLength);
  return ipOk && tcpChecksum(pkt.subarray(12, 16), pkt.subarray(16, 20), tcp) === 0;
}

const NO_FLAGS: TcpFlags = { fin: false, syn: false, rst: false, psh: false, ack: false, urg: false };
const C = '10.250.0.1';
const S = '10.250.0.2';

describe('internetChecksum', () => {
  it('matches the RFC 1071 worked example', () => {
    const data = Buffer.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    expect(onesComplementSum(data)).toBe(0xddf2);
    expect(internetChecksum(data)).toBe(0x220d);
  });

  it.each([
    ['empty', ''],
    ['odd tail', '0102030405'],
    ['all ones', 'ffffffff'],
    ['carries', 'fffffffffffe0001'],
  ])('treats parts as one byte stream (%s)', (_name, hex) => {
    const data = Buffer.from(hex, 'hex');
    for (let cut = 0; cut <= data.length; cut++) {
      expect(internetChecksum(data.subarray(0, cut), data.subarray(cut))).toBe(internetChecksum(data));
    }
  });

  it('agrees with raw-socket createChecksum (native) on random even-length data', async (ctx) => {
    let raw: { createChecksum(...parts: Buffer[]): number };
    try {
      raw = createRequire(import.meta.url)('raw-socket') as typeof raw;
    } catch {
      ctx.skip();
      return;
    }
    fc.assert(
      // raw-socket rejects empty buffers and sums each argument from an even boundary.
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 600 }), fc.uint8Array({ minLength: 1, maxLength: 600 }), (a, b) => {
        const pa = Buffer.from(a.length % 2 ? a.subarray(1) : a);
        const pb = Buffer.from(b);
        expect(internetChecksum(pa, pb)).toBe(raw.createChecksum(pa, pb));
      }),
    );
  });
});

describe('parseIpv4Tcp on packets captured with raw-socket (test/fixtures/packets)', () => {
  const flags = (set: Partial<TcpFlags>): TcpFlags => ({ ...NO_FLAGS, ...set });
  it.each([
    ['server-in-syn', { srcIp: C, dstIp: S, srcPort: 40123, dstPort: 8080, seq: 147561713, ack: 0,
      tcpHeaderLength: 40, flags: flags({ syn: true }), window: 64240, payloadLength: 0, id: 5397 }],
    ['client-in-synack', { srcIp: S, dstIp: C, srcPort: 8080, dstPort: 40123, seq: 488080302, ack: 147561714,
      tcpHeaderLength: 40, flags: flags({ syn: true, ack: true }), window: 65160, payloadLength: 0, id: 0 }],
    ['server-in-request', { srcIp: C, dstIp: S, srcPort: 40123, dstPort: 8080, seq: 147561714, ack: 488080303,
      tcpHeaderLength: 32, flags: flags({ psh: true, ack: true }), window: 63, payloadLength: 79, id: 5399 }],
    ['client-in-response', { srcIp: S, dstIp: C, srcPort: 8080, dstPort: 40123, seq: 488080303, ack: 147561793,
      tcpHeaderLength: 32, flags: flags({ psh: true, ack: true }), window: 64, payloadLength: 155, id: 36794 }],
    ['server-in-fin', { srcIp: C, dstIp: S, srcPort: 40123, dstPort: 8080, seq: 147561793, ack: 488081297,
      tcpHeaderLength: 32, flags: flags({ fin: true, ack: true }), window: 63, payloadLength: 0, id: 5402 }],
  ])('%s', (name, expected) => {
    const buf = fixture(name);
    const p = mustParse(buf);
    expect(p).toMatchObject({ ...expected, ipHeaderLength: 20, ttl: 64, totalLength: buf.length });
    expect(p.payload.length).toBe(p.payloadLength);
    expect(checksumsValid(buf)).toBe(true); // captured with tx checksum offload off
  });

  it('reads the HTTP request payload', () => {
    expect(mustParse(fixture('server-in-request')).payload.toString('latin1')).toMatch(/^GET \/ HTTP\/1\.1\r\nHost: 10\.250\.0\.2:8080\r\n/);
  });

  it('parses a CHECKSUM_PARTIAL segment (offload on) whose field holds only the pseudo-header sum', () => {
    const buf = fixture('server-in-request-partial-csum');
    const p = mustParse(buf);
    expect(p.payloadLength).toBe(79);
    expect(checksumsValid(buf)).toBe(false);
    const pseudo = tcpPseudoHeader(buf.subarray(12, 16), buf.subarray(16, 20), p.totalLength - p.ipHeaderLength);
    expect(p.checksum).toBe(onesComplementSum(pseudo));
  });
});

describe('parseIpv4Tcp rejects what is not a whole IPv4/TCP packet', () => {
  const good = fixture('server-in-request');
  const patched = (edit: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(good);
    edit(b);
    return b;
  };
  it.each([
    ['empty buffer', Buffer.alloc(0)],
    ['shorter than an IPv4 header', good.subarray(0, 19)],
    ['IPv6 version nibble', patched((b) => (b[0] = 0x65))],
    ['UDP', patched((b) => (b[9] = 17))],
    ['IHL below 5', patched((b) => (b[0] = 0x44))],
    ['truncated TCP header', good.subarray(0, 39)],
    ['truncated TCP options', good.subarray(0, 51)],
    ['data offset below 5', patched((b) => (b[32] = 0x40))],
    ['total length shorter than headers', patched((b) => b.writeUInt16BE(51, 2))],
    ['more-fragments flag', patched((b) => b.writeUInt16BE(0x2000, 6))],
    ['non-first fragment', patched((b) => b.writeUInt16BE(0x0010, 6))],
  ])('%s -> null', (_name, buf) => {
    expect(parseIpv4Tcp(buf)).toBeNull();
  });

  it('ignores trailing bytes after the total length', () => {
    const p = mustParse(Buffer.concat([good, Buffer.alloc(13, 0xaa)]));
    expect(p.payloadLength).toBe(79);
    expect(p.payload.length).toBe(79);
  });

  it('accepts a payload cut short by the receive buffer, keeping payloadLength from the total length', () => {
    const p = mustParse(good.subarray(0, 60));
    expect(p.payloadLength).toBe(79);
    expect(p.payload.length).toBe(8);
  });
});

const base: TcpSegment = {
  srcIp: S, dstIp: C, srcPort: 8080, dstPort: 40123, seq: 1, ack: 2, flags: {}, window: 502, payload: Buffer.alloc(0),
};

describe('buildIpv4Tcp', () => {
  it('builds a 20+20 byte header with DF, TTL 64, protocol 6 and valid checksums', () => {
    const pkt = buildIpv4Tcp({ ...base, payload: Buffer.from('hello') });
    expect(pkt.length).toBe(45);
    expect(pkt[0]).toBe(0x45);
    expect(pkt.readUInt16BE(6)).toBe(0x4000);
    expect(pkt[8]).toBe(64);
    expect(pkt[9]).toBe(6);
    expect(pkt[32]).toBe(0x50);
    expect(checksumsValid(pkt)).toBe(true);
  });

  it('round-trips through parseIpv4Tcp', () => {
    const pkt = buildIpv4Tcp({ ...base, ttl: 7, id: 4242, flags: { psh: true, ack: true }, payload: Buffer.from('abc') });
    expect(mustParse(pkt)).toMatchObject({
      srcIp: S, dstIp: C, srcPort: 8080, dstPort: 40123, seq: 1, ack: 2, ttl: 7, id: 4242, window: 502,
      flags: { ...NO_FLAGS, psh: true, ack: true }, payloadLength: 3, tcpHeaderLength: 20,
    });
  });

  it.each(['fin', 'syn', 'rst', 'psh', 'ack', 'urg'] as const)('sets only the %s flag', (name) => {
    const p = mustParse(buildIpv4Tcp({ ...base, flags: { [name]: true } }));
    expect(p.flags).toEqual({ ...NO_FLAGS, [name]: true });
  });

  it.each([
    [-1, 0xffffffff],
    [2 ** 32, 0],
    [2 ** 32 + 5, 5],
    [-(2 ** 32) - 1, 0xffffffff],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER % 2 ** 32],
  ])('reduces seq/ack %d modulo 2^32 to %d', (n, expected) => {
    const p = mustParse(buildIpv4Tcp({ ...base, seq: n, ack: n }));
    expect([p.seq, p.ack]).toEqual([expected, expected]);
  });

  it.each([
    ['srcPort', { srcPort: 65536 }],
    ['dstPort', { dstPort: -1 }],
    ['window', { window: 1.5 }],
    ['ttl', { ttl: 256 }],
    ['id', { id: 70000 }],
    ['seq/ack', { seq: 0.5 }],
    ['IPv4 address', { srcIp: '10.0.0.256' }],
    ['IPv4 address', { dstIp: '::1' }],
    ['total length', { payload: Buffer.alloc(65536) }],
  ])('rejects a bad %s', (what, patch) => {
    expect(() => buildIpv4Tcp({ ...base, ...patch })).toThrow(new RegExp(what.replace('/', '\\/')));
  });

  it('round-trips arbitrary segments with valid checksums (property)', () => {
    const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((q) => q.join('.'));
    const flag = fc.record({ fin: fc.boolean(), syn: fc.boolean(), rst: fc.boolean(), psh: fc.boolean(), ack: fc.boolean(), urg: fc.boolean() });
    fc.assert(
      fc.property(ip, ip, fc.nat(65535), fc.nat(65535), fc.maxSafeInteger(), fc.maxSafeInteger(), flag, fc.nat(65535), fc.uint8Array({ maxLength: 1500 }),
        (srcIp, dstIp, srcPort, dstPort, seq, ack, flags, window, bytes) => {
          const pkt = buildIpv4Tcp({ srcIp, dstIp, srcPort, dstPort, seq, ack, flags, window, payload: Buffer.from(bytes) });
          expect(checksumsValid(pkt)).toBe(true);
          expect(mustParse(pkt)).toMatchObject({ srcIp, dstIp, srcPort, dstPort, seq: mod32(seq), ack: mod32(ack), flags, window, payloadLength: bytes.length });
        }),
    );
  });
});

describe('forgeOutOfWindowReply', () => {
  const request = mustParse(fixture('server-in-request'));

  it('with offset 0 numbers the reply exactly like the real server did (captured response)', () => {
    const real = mustParse(fixture('client-in-response'));
    const forged = mustParse(forgeOutOfWindowReply(request, 0, Buffer.from('x')));
    expect(forged).toMatchObject({ srcIp: real.srcIp, dstIp: real.dstIp, srcPort: real.srcPort, dstPort: real.dstPort, seq: real.seq, ack: real.ack });
  });

  it('sends PSH|ACK with the payload, window FORGED_WINDOW, TTL 64 and valid checksums', () => {
    const pkt = forgeOutOfWindowReply(request, -100000, Buffer.from('boom!'));
    const p = mustParse(pkt);
    expect(p.flags).toEqual({ ...NO_FLAGS, psh: true, ack: true });
    expect([p.window, p.ttl, p.payload.toString()]).toEqual([FORGED_WINDOW, 64, 'boom!']);
    expect(checksumsValid(pkt)).toBe(true);
  });

  const inbound = (seq: number, ack: number, payloadLength: number, flags: Partial<TcpFlags> = {}): TcpPacket =>
    mustParse(buildIpv4Tcp({ ...base, srcIp: C, dstIp: S, srcPort: 40123, dstPort: 8080, seq, ack,
      flags: { ack: true, ...flags }, payload: Buffer.alloc(payloadLength) }));

  it.each([
    ['stale, no wrap', inbound(1000, 500000, 10), -100000, 400000, 1010],
    ['stale, wraps below 0', inbound(1000, 50000, 0), -100000, 2 ** 32 - 50000, 1000],
    ['above window, wraps past 2^32', inbound(5, 2 ** 32 - 1000, 0), 10_000_000, 10_000_000 - 1000, 5],
    ['ack wraps past 2^32', inbound(2 ** 32 - 3, 7, 10), 0, 7, 7],
    ['FIN consumes one', inbound(100, 7, 0, { fin: true }), 0, 7, 101],
    ['SYN|ACK consumes one', inbound(100, 7, 0, { syn: true }), 0, 7, 101],
    ['FIN with data', inbound(100, 7, 20, { fin: true }), 0, 7, 121],
  ])('%s', (_name, seg, offset, seq, ack) => {
    const p = mustParse(forgeOutOfWindowReply(seg, offset, Buffer.alloc(0)));
    expect([p.seq, p.ack]).toEqual([seq, ack]);
    expect([p.srcIp, p.srcPort, p.dstIp, p.dstPort]).toEqual([S, 8080, C, 40123]);
  });

  it('refuses an inbound segment without ACK (a SYN) and a non-integer offset', () => {
    expect(() => forgeOutOfWindowReply(mustParse(fixture('server-in-syn')), 0, Buffer.alloc(0))).toThrow(/no ACK flag/);
    expect(() => forgeOutOfWindowReply(request, 0.5, Buffer.alloc(0))).toThrow(/offset/);
  });
});

describe('ipToBuffer / bufferToIp', () => {
  it.each(['0.0.0.0', '10.244.2.10', '255.255.255.255'])('round-trips %s', (ip) => {
    expect(bufferToIp(ipToBuffer(ip))).toBe(ip);
  });
  it.each(['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.256', 'a.b.c.d', ' 1.2.3.4'])('rejects "%s"', (ip) => {
    expect(() => ipToBuffer(ip)).toThrow(/failed to parse IPv4 address/);
  });
  it('rejects an offset past the end', () => {
    expect(() => bufferToIp(Buffer.alloc(6), 3)).toThrow(RangeError);
  });
});
