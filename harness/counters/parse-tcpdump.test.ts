import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTcpdump } from './parse-tcpdump.js';

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/fates/over-window-6.18.json', import.meta.url), 'utf8')) as {
  trace: { rstLines: string[] };
};

describe('parseTcpdump', () => {
  it('reads every RST line a real capture printed (tcpdump 4.99, -i any -n -tt -S)', () => {
    const segs = parseTcpdump(fixture.trace.rstLines.join('\n'));
    expect(segs).toHaveLength(fixture.trace.rstLines.length);
    expect(segs[0]).toEqual({
      atMs: 1796157873481.455, iface: 'eth0', direction: 'In', src: '10.244.1.10', sport: 54138, dst: '10.244.2.10', dport: 8080, flags: 'R', seq: 354983238, length: 0,
    });
    expect(segs.every((s) => s.flags.startsWith('R'))).toBe(true);
  });

  it.each([
    ['R. with an ack, no interface column', '1700000000.5 IP 10.0.0.1.8080 > 10.0.0.2.40000: Flags [R.], seq 0, ack 123, win 0, length 0',
      { atMs: 1700000000500, src: '10.0.0.1', sport: 8080, dst: '10.0.0.2', dport: 40000, flags: 'R.', seq: 0, ack: 123, length: 0 }],
    ['a data segment with a seq range', '1700000000.000001 eth0  Out IP 10.0.0.1.8080 > 10.0.0.2.40000: Flags [P.], seq 10:110, ack 5, win 502, length 100',
      { atMs: 1700000000000.001, iface: 'eth0', direction: 'Out', src: '10.0.0.1', sport: 8080, dst: '10.0.0.2', dport: 40000, flags: 'P.', seq: 10, ack: 5, length: 100 }],
  ])('parses %s', (_name, line, want) => {
    expect(parseTcpdump(line)).toEqual([want]);
  });

  it('skips tcpdump messages and other protocols', () => {
    expect(parseTcpdump('listening on any, link-type LINUX_SLL2\n1700000000.1 eth0 In ARP, Request who-has 10.0.0.1\n\n')).toEqual([]);
  });
});
