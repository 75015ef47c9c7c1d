import { describe, expect, it } from 'vitest';
import type { ArmResult, Evidence } from '../report/schema.js';
import { ipvsNotes, pathIsMasqueraded, type PathFacts } from './path-notes.js';
import { poolArm } from './pool.js';

function arm(evidence: Evidence): ArmResult {
  return poolArm('liberal=0', [{
    trial: 1, sysctlsByNode: {}, requests: 5000, resets: 0, errors: {}, durationSec: 20, throughputBytesPerSec: 1, requestsPerSec: 250,
    latencyMs: { p50: 1, p90: 1, p99: 1, max: 1, mean: 1 }, evidence, ticks: [], disturbed: [],
  }]);
}

/** Shapes measured in a Debian 6.1 guest (TCG), kube-proxy IPVS data plane. */
const PLAIN: Evidence = { injected: 351, conntrackInvalid: 0, invalidDropped: 0, leakedUnNatted: 0, injectedNatted: 351, clientRstsSent: 0, serverResets: 0, ipvsConns: 10, ipvsInPackets: 2400, ipvsOutPackets: 2300 };
const MASQ: Evidence = { injected: 42, conntrackInvalid: 84, invalidDropped: 0, leakedUnNatted: 42, injectedNatted: 0, clientRstsSent: 42, serverResets: 39, ipvsConns: 40, ipvsInPackets: 1622, ipvsOutPackets: 1329 };

describe('pathIsMasqueraded (kube-proxy v1.31)', () => {
  it.each<[PathFacts, boolean]>([
    [{ client: 'pod' }, false],
    [{ client: 'pod', masquerade: true }, true],
    [{ client: 'external' }, true],
    [{ client: 'node' }, true],
    [{ client: 'external', service: 'nodePort' }, true],
    [{ client: 'pod', hairpin: true }, true],
  ])('%o -> %s', (facts, want) => expect(pathIsMasqueraded(facts)).toBe(want));
});

describe('ipvsNotes', () => {
  it('plain pod path, not reproduced: says IPVS un-NATs from its own table, with the counts', () => {
    const [note] = ipvsNotes('not-reproduced', { proxyMode: 'ipvs', faultKind: 'inject', client: 'pod' }, arm(PLAIN));
    expect(note).toContain('IPVS reverses its own DNAT from its connection table');
    expect(note).toContain('351 injected, 0 conntrack INVALID, 0 leaked un-NATed, 351 delivered reverse-NATed');
    expect(note).toContain('IPVS itself un-NATed 2300 reply packets');
  });

  it.each<[string, PathFacts, RegExp]>([
    ['external', { client: 'external' }, /source is outside the cluster CIDR/],
    ['node', { client: 'node' }, /node-originated/],
    ['nodePort', { client: 'external', service: 'nodePort' }, /NodePort traffic/],
    ['hairpin', { client: 'pod', hairpin: true }, /hairpin masquerade/],
    ['masqueradeAll', { client: 'pod', masquerade: true }, /masqueradeAll/],
  ])('masqueraded path (%s), reproduced: names why it is SNATed and where the RST comes from', (_n, facts, why) => {
    const [note] = ipvsNotes('reproduced', { proxyMode: 'ipvs', faultKind: 'inject', ...facts }, arm(MASQ));
    expect(note).toMatch(why);
    expect(note).toContain("node-a's TCP answers with the RST");
    expect(note).toContain('84 conntrack INVALID, 42 leaked un-NATed');
  });

  it.each<PathFacts>([{ proxyMode: 'iptables', faultKind: 'inject' }, { proxyMode: 'ipvs', faultKind: 'none' }])('nothing for %o', (facts) => {
    expect(ipvsNotes('not-reproduced', facts, arm(PLAIN))).toEqual([]);
  });
});

describe('decideVerdict with too little traffic (TCG guests)', () => {
  it('still names the arms and says what IPVS did', async () => {
    const { decideVerdict } = await import('./verdict.js');
    const v = decideVerdict([arm(PLAIN), { ...arm({ ...PLAIN, injectedNatted: 61 }), name: 'liberal=1' }], {
      minRequests: 10_000,
      context: { proxyMode: 'ipvs', faultKind: 'inject', client: 'pod' },
    });
    expect(v.outcome).toBe('inconclusive');
    expect(v.explanation).toMatch(/^Inconclusive: too little traffic: 5000 requests with liberal=0/);
    expect(v.explanation).toContain('0 resets in 5000 requests with liberal=0');
    expect(v.explanation).toContain('IPVS mode, path without SNAT (liberal=0: 351 injected');
  });
});
