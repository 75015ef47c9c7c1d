import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countByState, parseIpvsConnections, parseIpvsStats } from './parse-ipvs.js';

const fx = (name: string) => readFileSync(new URL(`../../test/fixtures/ipvs/${name}`, import.meta.url), 'utf8');

describe('parseIpvsStats (captured in a 6.1 guest)', () => {
  it.each([
    ['ip_vs_stats.txt', { conns: 0x25, inPackets: 0x1437, outPackets: 0x1128, inBytes: 0x66086, outBytes: 0x128c734 }],
    ['ip_vs_stats-zero.txt', { conns: 0, inPackets: 0, outPackets: 0, inBytes: 0, outBytes: 0 }],
  ])('%s: totals are hex', (file, want) => {
    expect(parseIpvsStats(fx(file))).toEqual(want);
  });

  it.each([
    ['empty', ''],
    ['no header', '      25     1437     1128            66086          128C734\n'],
    ['not hex', '   Total Incoming Outgoing         Incoming         Outgoing\n   Conns  Packets  Packets            Bytes            Bytes\n      2x  1  1  1  1\n'],
    ['four values', '   Total Incoming Outgoing         Incoming         Outgoing\n   Conns  Packets  Packets            Bytes            Bytes\n      1  1  1  1\n'],
  ])('throws on %s', (_name, text) => {
    expect(() => parseIpvsStats(text)).toThrow(/^failed to parse \/proc\/net\/ip_vs_stats/);
  });
});

describe('parseIpvsConnections (captured in a 6.1 guest)', () => {
  it('reads every entry with its state, expiry and addresses', () => {
    const conns = parseIpvsConnections(fx('ipvsadm-Lnc.txt'));
    expect(conns).toHaveLength(28);
    expect(conns[0]).toEqual({
      protocol: 'TCP',
      expiresSec: 14 * 60 + 59,
      state: 'ESTABLISHED',
      source: '192.168.100.10:58602',
      virtual: '10.96.0.10:80',
      destination: '10.244.2.10:8080',
    });
    const states = countByState(conns);
    expect(Object.values(states).reduce((a, b) => a + b, 0)).toBe(28);
    expect(Object.keys(states).sort()).toEqual(['CLOSE', 'ESTABLISHED']);
  });

  it('an empty table is no entries', () => {
    expect(parseIpvsConnections('IPVS connection entries\npro expire state       source             virtual            destination\n')).toEqual([]);
  });

  it.each([
    ['no header', 'TCP 14:59  ESTABLISHED 1.1.1.1:1 2.2.2.2:2 3.3.3.3:3\n'],
    ['a short entry', 'IPVS connection entries\npro expire state       source             virtual            destination\nTCP 14:59 ESTABLISHED\n'],
  ])('throws on %s', (_name, text) => {
    expect(() => parseIpvsConnections(text)).toThrow(/^failed to parse ipvsadm -Lnc output/);
  });
});
