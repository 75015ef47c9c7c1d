import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countByState, parseIpVsConn, parseIpvsConnections, parseIpvsStats, parseIpvsTimeouts } from './parse-ipvs.js';

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

describe('parseIpVsConn and parseIpvsTimeouts (captured in a 6.1 guest)', () => {
  it('reads hex addresses and ports, state and seconds left', () => {
    const conns = parseIpVsConn(fx('ip_vs_conn.txt'));
    expect(conns.length).toBeGreaterThan(0);
    for (const c of conns) {
      expect(c.protocol).toBe('TCP');
      expect(c.virtual).toBe('10.96.0.10:80');
      expect(c.destination).toBe('10.244.2.10:8080');
      expect(c.source).toMatch(/^10\.244\.1\.10:\d+$/);
      expect(c.expiresSec).toBeLessThanOrEqual(3);
    }
    expect(countByState(conns).ESTABLISHED).toBeGreaterThan(0);
  });
  it('a header with no entries is an empty table; other shapes throw', () => {
    expect(parseIpVsConn('Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n')).toEqual([]);
    expect(() => parseIpVsConn('')).toThrow(/no "Pro FromIP/);
    expect(() => parseIpVsConn(fx('ip_vs_conn.txt') + 'TCP 0A F4 x\n')).toThrow(/unrecognised entry/);
  });
  it('reads the three timeouts', () => {
    expect(parseIpvsTimeouts(fx('ipvsadm-L-timeout.txt'))).toEqual({ tcp: 3, tcpFin: 120, udp: 300 });
    expect(() => parseIpvsTimeouts('Timeout: 900\n')).toThrow(/failed to parse ipvsadm -L --timeout/);
  });
});
