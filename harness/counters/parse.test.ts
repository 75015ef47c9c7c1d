import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { counterByComment, parseConntrackStat, parseIptablesSaveCounters, parseSnmp } from './parse.js';

/** Captured by test/fixtures/counters/capture.sh in a throwaway namespace (2 CPUs, Linux 6.18). */
const fixture = (name: string): string =>
  readFileSync(new URL(`../../test/fixtures/counters/${name}`, import.meta.url), 'utf8');

describe('parseConntrackStat', () => {
  const stat = parseConntrackStat(fixture('nf_conntrack.txt'));

  it('returns all 17 columns of the captured file', () => {
    expect(Object.keys(stat)).toEqual([
      'entries', 'clashres', 'found', 'new', 'invalid', 'ignore', 'delete', 'chainlength', 'insert',
      'insert_failed', 'drop', 'early_drop', 'icmp_error', 'expect_new', 'expect_create', 'expect_delete', 'search_restart',
    ]);
  });

  it('sums per-CPU columns (invalid: 0 + 6: three SYN|FIN segments, seen at OUTPUT and again at PREROUTING)', () => {
    expect(stat.invalid).toBe(6);
    expect(stat.drop).toBe(0);
  });

  it('takes entries from one line: the kernel prints the namespace-wide count (0xa) on every CPU line', () => {
    expect(stat.entries).toBe(10); // conntrack-list.txt has 10 entries, not 20
  });

  it.each([
    ['4 CPUs, odd spacing and upper-case hex', 'entries invalid  found\n 00000002 0000000A 1\n\t00000002   00000001 1 \n00000002 0 0\n00000002 0 FF\n', { entries: 2, invalid: 11, found: 257 }],
    ['trailing blank lines', 'entries invalid\n1 2\n\n\n', { entries: 1, invalid: 2 }],
  ])('%s', (_name, text, expected) => {
    expect(parseConntrackStat(text)).toEqual(expected);
  });

  it.each([
    ['empty input', '', /empty input/],
    ['no CPU lines', 'entries invalid\n', /no per-CPU lines/],
    ['too few values', 'entries invalid found\n1 2 3\n1 2\n', /line 3: 2 values but 3 columns/],
    ['not hex', 'entries invalid\n1 zz\n', /line 2: "zz" \(invalid\) is not hex/],
    ['hex where the header should be', '00000001 00000002\n00000001 00000002\n', /line 1: expected a header of column names/],
  ])('throws on %s', (_name, text, message) => {
    expect(() => parseConntrackStat(text)).toThrow(/^failed to parse \/proc\/net\/stat\/nf_conntrack: /);
    expect(() => parseConntrackStat(text)).toThrow(message);
  });
});

describe('parseSnmp', () => {
  const snmp = parseSnmp(fixture('snmp.txt'));

  it('reads every protocol block of the captured /proc/net/snmp', () => {
    expect(Object.keys(snmp)).toEqual(['Ip', 'Icmp', 'IcmpMsg', 'Tcp', 'Udp', 'UdpLite']);
  });

  it('reads the captured Tcp values, including MaxConn = -1', () => {
    expect(snmp.Tcp).toMatchObject({
      MaxConn: -1, ActiveOpens: 13, PassiveOpens: 9, AttemptFails: 4, EstabResets: 0, InSegs: 113, OutSegs: 110, OutRsts: 4,
    });
  });

  it('reads the captured IcmpMsg block (2 echo requests to 127.0.0.1) and Ip', () => {
    expect(snmp.IcmpMsg).toEqual({ InType0: 2, InType8: 2, OutType0: 2, OutType8: 2 });
    expect(snmp.Ip?.OutRequests).toBe(117);
  });

  it('reads the captured /proc/net/netstat', () => {
    const netstat = parseSnmp(fixture('netstat.txt'), '/proc/net/netstat');
    expect(Object.keys(netstat)).toEqual(['TcpExt', 'IpExt', 'MPTcpExt']);
    expect(Object.keys(netstat.TcpExt ?? {})).toHaveLength(135);
    expect(netstat.TcpExt).toMatchObject({ TW: 9, TCPPureAcks: 26, ListenDrops: 0 });
    expect(netstat.IpExt).toMatchObject({ InOctets: 14680, OutOctets: 14680, InNoECTPkts: 117 });
  });

  it.each([
    ['empty input', '', /empty input/],
    ['a header without values', 'Tcp: A B\n', /line 1: Tcp header has no value line/],
    ['mismatched prefixes', 'Tcp: A B\nUdp: 1 2\n', /line 2: expected the Tcp value line/],
    ['count mismatch', 'Tcp: A B\nTcp: 1\n', /line 2: Tcp has 2 names but 1 values/],
    ['a non-integer', 'Tcp: A B\nTcp: 1 x\n', /Tcp B = "x" is not an integer/],
    ['a repeated protocol', 'Tcp: A\nTcp: 1\nTcp: A\nTcp: 2\n', /line 3: Tcp appears twice/],
    ['garbage', 'hello world\n', /line 1: expected "Proto: Name ..."/],
  ])('throws on %s, naming the source', (_name, text, message) => {
    expect(() => parseSnmp(text, '/proc/net/netstat')).toThrow(/^failed to parse \/proc\/net\/netstat: /);
    expect(() => parseSnmp(text)).toThrow(message);
  });
});

describe('parseIptablesSaveCounters', () => {
  const rules = parseIptablesSaveCounters(fixture('iptables-save.txt'));

  it('returns every rule of the captured output with table, chain and counters', () => {
    expect(rules.map((r) => [r.table, r.chain, r.packets, r.bytes, r.comment])).toEqual([
      ['filter', 'INPUT', 3, 120, 'rl invalid in'],
      ['filter', 'INPUT', 59, 3788, 'rl-leak'],
      ['filter', 'FORWARD', 0, 0, 'rl "odd" back\\slash it\'s'],
      ['filter', 'OUTPUT', 117, 14680, null],
      ['filter', 'OUTPUT', 49, 10528, 'rl-reply'],
      ['filter', 'OUTPUT', 1, 60, null],
      ['filter', 'RL-CHAIN', 49, 10528, 'rl-leak'],
      ['nat', 'OUTPUT', 3, 180, 'rl dnat 8081'],
    ]);
  });

  it('keeps the rule text from -A on', () => {
    expect(rules[7]?.rule).toBe(
      '-A OUTPUT -d 127.0.0.1/32 -p tcp -m tcp --dport 8081 -m comment --comment "rl dnat 8081" -j DNAT --to-destination 127.0.0.1:8080',
    );
  });

  it.each([
    ['no *table line', '[1:2] -A INPUT -j ACCEPT\n', /line 1: rule before any \*table line/],
    ['saved without -c', '*filter\n-A INPUT -j ACCEPT\n', /line 2: rule without \[packets:bytes\] counters/],
    ['an unbalanced quote', '*filter\n[1:2] -A INPUT -m comment --comment "abc -j ACCEPT\n', /line 2: unbalanced quote/],
    ['an unknown line', '*filter\nhello\n', /line 2: unrecognised line "hello"/],
  ])('throws on %s', (_name, text, message) => {
    expect(() => parseIptablesSaveCounters(text)).toThrow(/^failed to parse iptables-save -c output: /);
    expect(() => parseIptablesSaveCounters(text)).toThrow(message);
  });

  it('returns no rules for tables without rules', () => {
    expect(parseIptablesSaveCounters('*raw\n:PREROUTING ACCEPT [5:300]\nCOMMIT\n')).toEqual([]);
  });
});

describe('counterByComment', () => {
  const rules = parseIptablesSaveCounters(fixture('iptables-save.txt'));

  it.each([
    ['rl-leak', { packets: 59 + 49, bytes: 3788 + 10528 }], // two rules, summed
    ['rl invalid in', { packets: 3, bytes: 120 }], // 3 SYN|FIN segments of 40 bytes
    ['rl dnat 8081', { packets: 3, bytes: 180 }], // 3 SYNs of 60 bytes, nat table
    ['rl "odd" back\\slash it\'s', { packets: 0, bytes: 0 }], // present but unused: 0, no throw
  ])('%s', (comment, expected) => {
    expect(counterByComment(rules, comment)).toEqual(expected);
  });

  it('throws when no rule carries the comment', () => {
    expect(() => counterByComment(rules, 'rl-missing')).toThrow('failed to find an iptables rule with comment "rl-missing"');
  });
});
