import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConnRecord } from '../agents/conn-log.js';
import type { InjectHit } from '../agents/inject.js';
import type { Evidence } from '../report/schema.js';
import { connectionFates, leakedFates, leakFateEvidence } from './fates.js';
import { parseTcpdump } from './parse-tcpdump.js';

interface Fixture {
  serverPort: number;
  evidence: Evidence;
  trace: { hits: InjectHit[]; rstLines: string[]; connections: ConnRecord[] };
}
const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../../test/fixtures/fates/${name}`, import.meta.url), 'utf8')) as Fixture;

describe('connectionFates on a real host over-window arm (6.18, liberal=0)', () => {
  const f = fixture('over-window-6.18.json');
  const got = connectionFates(f.trace, f.trace.connections, f.serverPort);

  it('ties every leaked segment the kernel counted to a client RST, and counts retransmitted requests once', () => {
    expect(f.evidence.leakedUnNatted).toBe(67);
    expect(got.leakFates).toMatchObject({ segments: 67, repeats: 8, connections: 59 });
  });

  it('accounts for every server reset: ECONNRESET at the client, or hung until the load stopped', () => {
    // The counters of that arm: 59 server EstabResets, 45 connections reset at the client.
    expect(f.evidence.serverResets).toBe(59);
    expect(got.leakFates).toMatchObject({ econnreset: 45, hungAtStop: 14, timedOut: 0, closed: 0, otherError: 0, survived: 0, unmatched: 0, serverAnsweredRst: 59 });
    const x = got.leakFates!;
    expect(x.econnreset + x.otherError + x.closed + x.timedOut + x.hungAtStop + x.survived + x.unmatched).toBe(x.connections);
  });

  it('keeps only what it needs and gets the same answer from it again', () => {
    const again = connectionFates(
      { hits: got.connectionTrace.hits as unknown as InjectHit[], rstLines: got.connectionTrace.rstLines! },
      got.connectionTrace.connections as unknown as ConnRecord[],
      f.serverPort,
    );
    expect(again.leakFates).toEqual(got.leakFates);
  });
});

describe('leakedFates', () => {
  const port = 40000;
  const hit: InjectHit = { at: 1_000_000, ip: '10.0.0.2', port, seq: 5, ack: 777 };
  const clientRst = `1000.0005 eth0 In IP 10.0.0.2.${port} > 10.0.1.2.8080: Flags [R], seq 777, win 0, length 0`;
  const serverRst = (s: number) => `${s} eth0 Out IP 10.0.1.2.8080 > 10.0.0.2.${port}: Flags [R], seq 9, win 0, length 0`;
  const conn = (over: Partial<ConnRecord>): ConnRecord => ({
    address: '10.0.0.2', port, openedAt: 999_000, endedAt: 1_000_300, end: 'error', code: 'ECONNRESET', responses: 10, recentResponses: [999_900], pendingBytes: 0, ...over,
  });

  it.each([
    ['econnreset', conn({}), [clientRst, serverRst(1000.2)]],
    ['other-error', conn({ code: 'EPIPE' }), [clientRst]],
    ['closed', conn({ end: 'fin', code: undefined }), [clientRst]],
    ['timed-out', conn({ end: 'timeout', code: undefined, endedAt: 1_010_000 }), [clientRst]],
    ['hung-at-stop', conn({ end: 'stopped', code: undefined, teardown: 'reset' }), [clientRst, serverRst(1000.4)]],
    ['survived', conn({ end: 'stopped', code: undefined, teardown: 'closed' }), [clientRst]],
    ['survived', conn({ recentResponses: [1_000_100, 1_000_200, 1_000_250] }), [clientRst]],
    ['unmatched', conn({ port: port + 1 }), [clientRst]],
  ] as const)('%s', (fate, c, lines) => {
    const [got] = leakedFates([hit], parseTcpdump(lines.join('\n')), [c], 8080);
    expect(got?.fate).toBe(fate);
  });

  it('ignores hits the client never answered, and RSTs with another seq', () => {
    const other = clientRst.replace('seq 777', 'seq 778');
    expect(leakedFates([hit], parseTcpdump(other), [conn({})], 8080)).toEqual([]);
  });

  it('notes when the server itself answered the connection with a RST', () => {
    const fates = leakedFates([hit], parseTcpdump([clientRst, serverRst(1000.2)].join('\n')), [conn({})], 8080);
    expect(fates[0]).toMatchObject({ serverRstAt: 1000200, rstAt: 1000000.5 });
    expect(leakFateEvidence(fates)).toMatchObject({ segments: 1, connections: 1, econnreset: 1, serverAnsweredRst: 1 });
  });

  it('counts a retransmitted request hit again once', () => {
    const again: InjectHit = { ...hit, at: hit.at + 200 };
    const rst2 = clientRst.replace('1000.0005', '1000.2005');
    const fates = leakedFates([hit, again], parseTcpdump([clientRst, rst2].join('\n')), [conn({})], 8080);
    expect(fates.map((f) => f.repeat ?? false)).toEqual([false, true]);
    expect(leakFateEvidence(fates)).toMatchObject({ segments: 2, repeats: 1, connections: 1, econnreset: 1 });
  });

  it('says why there are no fates without a capture', () => {
    expect(connectionFates({ hits: [hit], captureProblem: 'no RST capture: tcpdump: not found' }, [], 8080)).toEqual({
      connectionTrace: { problem: 'no RST capture: tcpdump: not found' },
    });
  });
});

describe('connectionFates on a real 5.10 guest below-window arm (liberal=0): the funnel that did not close', () => {
  const f = fixture('below-window-5.10.json') as Fixture & { resets: number; errors: Record<string, number> };
  const got = connectionFates(f.trace, f.trace.connections, f.serverPort);

  it('finds every leaked segment and every server reset, on one connection each', () => {
    expect([f.evidence.leakedUnNatted, f.evidence.clientRstsSent, f.evidence.serverResets]).toEqual([16, 16, 16]);
    expect(got.leakFates).toMatchObject({ segments: 16, repeats: 0, connections: 16, serverAnsweredRst: 16 });
  });

  it('names the fate of the resets the client did not see: request timeouts (the server had acknowledged the request)', () => {
    // The load agent saw 3 ECONNRESET and 13 request timeouts in that arm.
    expect([f.resets, f.errors.TIMEOUT]).toEqual([3, 13]);
    expect(got.leakFates).toMatchObject({ econnreset: 3, timedOut: 13, hungAtStop: 0, closed: 0, otherError: 0, survived: 0, unmatched: 0 });
    const timedOut = got.leakedConnections!.filter((x) => x.fate === 'timed-out');
    // Nothing more arrived on them (no response, no byte of one) until autocannon gave up after ~10 s.
    expect(timedOut.every((x) => x.responsesAfter === 0 && x.pendingBytes === 0 && x.endedAfterMs! > 5000)).toBe(true);
  });
});
