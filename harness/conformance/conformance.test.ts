import { describe, expect, it } from 'vitest';
import { parseConformanceFlags } from '../cli/commands/conformance.js';
import type { KnownDifference, RuleDifference } from '../dataplane/conformance.js';
import { renderConformance } from './render.js';
import { classify, type ConformanceReport } from './run.js';

const KNOWN: KnownDifference[] = [{ side: 'real-only', table: 'nat', chain: 'KUBE-FIREWALL', rule: '-j KUBE-MARK-DROP', why: 'v1.20 nat firewall chain', cite: 'kubernetes#110628' }];
const D1: RuleDifference = { side: 'real-only', table: 'nat', chain: 'KUBE-FIREWALL', rule: '-j KUBE-MARK-DROP' };
const D2: RuleDifference = { side: 'model-only', table: 'ipset', chain: 'KUBE-IPVS-IPS', rule: 'type hash:ip' };

describe('classify', () => {
  it('explains known differences with their reason and leaves the rest unknown', () => {
    const { differences, used } = classify([D1, D2], KNOWN);
    expect(differences[0]!.known).toEqual({ why: 'v1.20 nat firewall chain', cite: 'kubernetes#110628' });
    expect(differences[1]!.known).toBeUndefined();
    expect([...used]).toEqual(KNOWN);
  });
  it('with no list for the version, every difference is unknown', () => {
    expect(classify([D1], null).differences.every((d) => !d.known)).toBe(true);
  });
});

const report = (over: Partial<ConformanceReport>): ConformanceReport => ({
  schema: 'resetlab/conformance@1',
  ok: true,
  complete: true,
  mode: 'ipvs',
  kernel: '6.1.0-57-amd64',
  kubeProxy: { version: 'v1.20.2', source: 'built', sha256: 'x' },
  model: { version: 'v1.20' },
  knownDifferences: { list: 'v1.20', count: 1 },
  controlPlane: { etcdVersion: '3.4.23', apiserverHealthySec: 80 },
  paths: [{ scenario: 'over-window', differences: [{ ...D1, known: { why: 'w', cite: 'c' } }], unknown: 0, ruleCount: { real: 30, model: 29 }, kubeProxy: { flags: [], programmedSec: 20 }, raw: { real: {}, model: {} } }],
  stale: [],
  notRun: [],
  elapsedSec: 300,
  ...over,
});

describe('renderConformance', () => {
  it('says conformant when every difference is known', () => {
    expect(renderConformance(report({}))).toMatch(/over-window +1 difference\(s\), all known[\s\S]*Conformant: every difference is known/);
  });
  it('prints each unknown difference and the stale entries, and says NOT conformant', () => {
    const text = renderConformance(report({ ok: false, paths: [{ ...report({}).paths[0]!, differences: [D2], unknown: 1 }], stale: [{ side: 'real-only', table: 'nat', chain: 'KUBE-FIREWALL', rule: '-j KUBE-MARK-DROP' }] }));
    expect(text).toContain('model-only ipset KUBE-IPVS-IPS: type hash:ip');
    expect(text).toContain('Stale known differences');
    expect(text).toMatch(/NOT conformant: 1 unknown difference\(s\), 1 stale known difference\(s\)/);
  });
});

describe('renderConformance, a path that failed', () => {
  it('shows its error and says NOT conformant', () => {
    const failed = { ...report({}).paths[0]!, differences: [], ruleCount: { real: 0, model: 0 }, error: 'failed to run kube-proxy v1.20.2: the Service was not programmed\nlast lines' };
    const text = renderConformance(report({ ok: false, paths: [failed] }));
    expect(text).toContain('over-window  NOT COMPARED: failed to run kube-proxy v1.20.2: the Service was not programmed');
    expect(text).toMatch(/NOT conformant: 1 path\(s\) failed/);
    expect(text).not.toContain('a side wrote no rules');
  });
});

describe('parseConformanceFlags', () => {
  it('defaults: v1.20.2, iptables on this host, every path', () => {
    const { plan, problems } = parseConformanceFlags({});
    expect(problems).toEqual([]);
    expect(plan).toMatchObject({ spec: { kind: 'debian', version: 'v1.20.2' }, mode: 'iptables', driver: 'netns' });
    expect(plan!.paths).toHaveLength(6);
  });
  it('defaults to ipvs in a guest and needs one kernel', () => {
    expect(parseConformanceFlags({ driver: 'vm', kernel: '6.1' }).plan).toMatchObject({ mode: 'ipvs', driver: 'vm' });
    expect(parseConformanceFlags({ driver: 'vm' }).problems.map((p) => p.field)).toEqual(['--kernel']);
    expect(parseConformanceFlags({ driver: 'vm', kernel: '6.1,6.12' }).problems.map((p) => p.field)).toEqual(['--kernel']);
  });
  it('lists every problem at once', () => {
    const { plan, problems } = parseConformanceFlags({ driver: 'kind', kubeProxyMode: 'nftables', only: 'over-window,nope', kernel: '6.1', kubeProxy: 'latest', timeScale: '0' });
    expect(plan).toBeNull();
    expect(problems.map((p) => p.field).sort()).toEqual(['--driver', '--kernel', '--kube-proxy', '--kube-proxy-mode', '--only', '--time-scale']);
  });
});
