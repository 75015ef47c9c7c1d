import { describe, expect, it } from 'vitest';
import { servicePath } from '../../lab/netns/service-path.js';
import type { LabTopology } from '../../lab/topology.js';
import { iptablesProxyRules } from './iptables.js';
import { ipvsIptablesRules } from './ipvs.js';
import { nftablesProxyRules } from './nftables.js';
import { modeProblem, resolveKubeProxy, type ProxyMode } from './resolve.js';
import { DEFAULT_KUBE_PROXY_VERSION, kubeProxyVersion, parseKubeProxyVersion } from './versions.js';

const P = 'rl-0a1b2c';
const TOPO: LabTopology = { proxyMode: 'iptables', client: 'pod', masquerade: false, dropInvalid: 'auto', servicePort: 80, serverPort: 8080 };
const DROP = `-A KUBE-FORWARD -m conntrack --ctstate INVALID -m comment --comment ${P}-invalid-drop -j DROP`;

/** The rules a version writes in a mode, through the same path as the lab (resolve -> builder). */
function rulesOf(mode: ProxyMode, version: string, beLiberalAtStart: 0 | 1 = 0, dropInvalid: 'auto' | boolean = 'auto'): string {
  const plan = resolveKubeProxy(mode, { version: kubeProxyVersion(version), dropInvalid, beLiberalAtStart });
  const knobs = { masquerade: false, dropInvalid: plan.dropInvalid, markOp: plan.markOp, forwardConntrack: plan.forwardConntrack };
  const path = servicePath(TOPO);
  return mode === 'iptables' ? iptablesProxyRules(P, path, knobs) : mode === 'nftables' ? nftablesProxyRules(P, path, knobs) : ipvsIptablesRules(P, path, knobs);
}

describe('parseKubeProxyVersion', () => {
  it.each([
    ['v1.37', 'v1.37'],
    ['1.29', 'v1.29'],
    ['v1.20.2', 'v1.20.2'],
    [' v1.14 ', 'v1.14'],
  ])('%s -> %s', (text, want) => {
    const r = parseKubeProxyVersion(text);
    expect('version' in r && r.version.text).toBe(want);
  });
  it.each([
    ['v2.0', /not a kube-proxy version/],
    ['latest', /not a kube-proxy version/],
    ['v1.38', /v1.38 is not modelled \(modelled: v1.11 to v1.37\)/],
    ['v1.9', /v1.9 is not modelled/],
  ])('refuses %s', (text, message) => {
    const r = parseKubeProxyVersion(text);
    expect('problem' in r && r.problem).toMatch(message);
  });
  it('defaults to a current release the model covers', () => {
    expect(kubeProxyVersion().text).toBe(DEFAULT_KUBE_PROXY_VERSION);
  });
});

describe('resolveKubeProxy: dropInvalid auto is what that version does', () => {
  it.each<[ProxyMode, string, 0 | 1, boolean, RegExp]>([
    ['iptables', 'v1.14', 0, false, /predates the iptables INVALID drop .*kubernetes#74840/],
    ['iptables', 'v1.15', 0, true, /always writes .*v1.15 to v1.28/],
    ['iptables', 'v1.20.2', 1, true, /always writes/],
    ['iptables', 'v1.28', 1, true, /always writes/],
    ['iptables', 'v1.29', 0, true, /because be_liberal was 0 when it started .*kubernetes#120412/],
    ['iptables', 'v1.29', 1, false, /skips the INVALID drop because be_liberal was 1 when it started/],
    ['iptables', 'v1.37', 0, true, /be_liberal was 0/],
    ['iptables', 'v1.37', 1, false, /be_liberal was 1/],
    ['nftables', 'v1.37', 0, false, /nftables mode writes no INVALID drop .*kubernetes#122663/],
    ['ipvs', 'v1.20', 0, false, /IPVS mode writes no INVALID drop/],
    ['ipvs', 'v1.37', 0, false, /IPVS mode writes no INVALID drop/],
  ])('%s %s, be_liberal at start %i: drop %s', (mode, version, start, drop, why) => {
    const plan = resolveKubeProxy(mode, { version: kubeProxyVersion(version), dropInvalid: 'auto', beLiberalAtStart: start });
    expect(plan).toMatchObject({ mode, dropInvalid: drop, dropInvalidBy: 'kube-proxy', beLiberalAtStart: start });
    expect(plan.dropInvalidReason).toMatch(why);
    expect(rulesOf(mode, version, start).includes(mode === 'nftables' ? 'ct state invalid' : DROP)).toBe(drop);
  });

  it.each<[boolean, ProxyMode, string]>([
    [true, 'nftables', 'v1.37'],
    [true, 'ipvs', 'v1.37'],
    [false, 'iptables', 'v1.37'],
    [false, 'iptables', 'v1.20'],
  ])('an explicit dropInvalid %s is a lab override (%s %s) and says what kube-proxy itself does', (value, mode, version) => {
    const plan = resolveKubeProxy(mode, { version: kubeProxyVersion(version), dropInvalid: value, beLiberalAtStart: 0 });
    expect(plan).toMatchObject({ dropInvalid: value, dropInvalidBy: 'lab override' });
    expect(plan.dropInvalidReason).toMatch(new RegExp(`^lab override dropInvalid: ${value} \\(kube-proxy itself: (no )?drop; `));
  });
});

describe('version-dependent rule text', () => {
  it('v1.20 writes --set-xmark and two RELATED,ESTABLISHED accepts (as the real v1.20.2 binary did)', () => {
    for (const mode of ['iptables', 'ipvs'] as const) {
      const r = rulesOf(mode, 'v1.20.2');
      expect(r).toContain('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000');
      expect(r).toContain('-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack pod source rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
      expect(r).toContain('-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack pod destination rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
      expect(r).not.toContain('--or-mark');
    }
  });
  it('v1.21 and later write --or-mark and one RELATED,ESTABLISHED accept', () => {
    for (const v of ['v1.21', 'v1.37']) {
      const r = rulesOf('iptables', v);
      expect(r).toContain('-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000');
      expect(r.match(/RELATED,ESTABLISHED/g)).toHaveLength(1);
    }
  });
  it('the drop comes first in KUBE-FORWARD when written', () => {
    const forward = rulesOf('iptables', 'v1.20').split('\n').filter((l) => l.startsWith('-A KUBE-FORWARD'));
    expect(forward[0]).toBe(DROP);
  });
});

describe('modes and deprecation by version', () => {
  it.each([
    ['nftables', 'v1.28', /has no nftables mode \(alpha in v1.29/],
    ['nftables', 'v1.29', undefined],
    ['ipvs', 'v1.11', undefined],
    ['iptables', 'v1.11', undefined],
    ['auto', 'v1.14', undefined],
  ])('%s at %s', (mode, version, problem) => {
    const p = modeProblem(mode, kubeProxyVersion(version));
    if (problem) expect(p).toMatch(problem);
    else expect(p).toBeUndefined();
  });
  it.each([
    ['ipvs', 'v1.34', false],
    ['ipvs', 'v1.35', true],
    ['ipvs', 'v1.37', true],
    ['nftables', 'v1.37', false],
    ['iptables', 'v1.37', false],
  ] as const)('%s at %s: deprecation notice %s, pointing to the migration command', (mode, version, noticed) => {
    const plan = resolveKubeProxy(mode, { version: kubeProxyVersion(version), dropInvalid: 'auto', beLiberalAtStart: 0 });
    expect(plan.deprecation !== null).toBe(noticed);
    if (noticed) expect(plan.deprecation).toMatch(/deprecated IPVS mode in v1.35 .*resetlab check --kube-proxy-mode ipvs,nftables$/);
  });
});
