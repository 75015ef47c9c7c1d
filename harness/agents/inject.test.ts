import { describe, expect, it } from 'vitest';
import { createInjector, STALE_AFTER_RESUME, type InjectArgs, type InjectSocket } from './inject.js';
import { buildIpv4Tcp, parseIpv4Tcp } from './packet.js';

const SERVER_PORT = 8080;

/** A client->server segment; `payload` bytes of data (0 = a pure ACK). */
function segment(payload: number, opts: { srcPort?: number; dstPort?: number; seq?: number } = {}): Buffer {
  return buildIpv4Tcp({
    srcIp: '10.0.0.2',
    dstIp: '10.0.0.3',
    srcPort: opts.srcPort ?? 40000,
    dstPort: opts.dstPort ?? SERVER_PORT,
    seq: opts.seq ?? 1000,
    ack: 5000,
    flags: { ack: true, psh: payload > 0 },
    window: 502,
    payload: Buffer.alloc(payload, 'G'),
  });
}

/** A fake raw socket, clock and timer queue. */
function harness(over: Partial<InjectArgs> = {}) {
  const args: InjectArgs = { serverPort: SERVER_PORT, offset: 10_000_000, ratePerSecond: 50, maxSegments: 100, payloadBytes: 100, marker: 'RESETLAB', ...over };
  let now = 1000;
  let timers: Array<{ at: number; fn: () => void }> = [];
  const log: string[] = [];
  const sentPackets: Array<{ packet: Buffer; address: string }> = [];
  const socket: InjectSocket = {
    pauseRecv: () => log.push('pause'),
    resumeRecv: () => log.push('resume'),
    send: (buffer, offset, length, address, cb) => {
      sentPackets.push({ packet: buffer.subarray(offset, offset + length), address });
      cb(null, length);
    },
  };
  const injector = createInjector(args, socket, { now: () => now, setTimeout: (fn, ms) => void timers.push({ at: now + ms, fn }), epochMs: () => 1_700_000_000_000 + now });
  /** Advances the clock to `to`, firing due timers. */
  const advance = (to: number) => {
    now = to;
    const due = timers.filter((t) => t.at <= now);
    timers = timers.filter((t) => t.at > now);
    due.forEach((t) => t.fn());
  };
  return { injector, log, sentPackets, advance, pending: () => timers.length, at: () => now };
}

describe('inject agent duty cycle (createInjector)', () => {
  it('dry run: forges at the rate, pauses until the next is due, discards the stale backlog on resume, never sends', () => {
    const h = harness({ dryRun: true });
    h.injector.onMessage(segment(0)); // a pure ACK: sniffed, never used
    expect(h.log).toEqual([]);
    h.injector.onMessage(segment(120));
    expect(h.log).toEqual(['pause']);
    expect(h.pending()).toBe(1);
    expect(h.injector.counts()).toMatchObject({ sent: 0, sendErrors: 0, wouldHaveSent: 1, sniffed: 2, connections: 1, dryRun: true });

    h.advance(h.at() + 19); // not yet due (1000 / 50 = 20 ms)
    expect(h.log).toEqual(['pause']);
    h.advance(h.at() + 1);
    expect(h.log).toEqual(['pause', 'resume']);
    // What sat in the small receive buffer is stale: the first STALE_AFTER_RESUME messages are dropped unread.
    for (let i = 0; i < STALE_AFTER_RESUME; i++) h.injector.onMessage(segment(120, { srcPort: 41000 + i }));
    expect(h.injector.counts()).toMatchObject({ wouldHaveSent: 1, sniffed: 2 });
    h.injector.onMessage(segment(0, { dstPort: 22 })); // other traffic: pre-filtered
    h.injector.onMessage(segment(120, { srcPort: 40001 }));
    expect(h.log).toEqual(['pause', 'resume', 'pause']);
    expect(h.injector.counts()).toMatchObject({ sent: 0, sendErrors: 0, wouldHaveSent: 2, sniffed: 3, connections: 2, dryRun: true });
    expect(h.injector.counts().hits.map((x) => x.port)).toEqual([40000, 40001]);
    expect(h.sentPackets).toEqual([]);
  });

  it('sends the forged reply when not a dry run, and counts it as sent', () => {
    const h = harness();
    h.injector.onMessage(segment(120, { seq: 7000 }));
    expect(h.sentPackets).toHaveLength(1);
    expect(h.sentPackets[0]!.address).toBe('10.0.0.2');
    const forged = parseIpv4Tcp(h.sentPackets[0]!.packet)!;
    expect(forged).toMatchObject({ srcPort: SERVER_PORT, dstPort: 40000, seq: 5000 + 10_000_000, ack: 7120 });
    expect(forged.payload.subarray(0, 8).toString('latin1')).toBe('RESETLAB');
    expect(h.injector.counts()).toEqual({
      sent: 1, sendErrors: 0, wouldHaveSent: 0, sniffed: 1, connections: 1, dryRun: false,
      // What the fates join needs: when, which client port (as the server sees it), the forged seq and ack.
      hits: [{ at: 1_700_000_001_000, ip: '10.0.0.2', port: 40000, seq: 5000 + 10_000_000, ack: 7120 }],
    });
  });

  it('stops reading for good after maxSegments, dry run or not', () => {
    for (const dryRun of [true, false]) {
      const h = harness({ dryRun, maxSegments: 2 });
      h.injector.onMessage(segment(120));
      h.advance(h.at() + 20);
      for (let i = 0; i < STALE_AFTER_RESUME; i++) h.injector.onMessage(segment(0));
      h.injector.onMessage(segment(120));
      expect(h.log).toEqual(['pause', 'resume', 'pause']);
      expect(h.pending()).toBe(0);
      const c = h.injector.counts();
      expect(dryRun ? c.wouldHaveSent : c.sent).toBe(2);
      expect(dryRun ? c.sent : c.wouldHaveSent).toBe(0);
    }
  });
});
