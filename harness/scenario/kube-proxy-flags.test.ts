import { describe, expect, it } from 'vitest';
import { parseKubeProxyFlags, pinKubeProxy } from './kube-proxy-flags.js';
import type { Scenario } from './schema.js';

describe('parseKubeProxyFlags', () => {
  it.each<[string, { kubeProxyMode?: string; kubeProxyVersion?: string }, boolean, string[], string[], string[]]>([
    ['nothing', {}, false, [], [], []],
    ['one of each for run', { kubeProxyMode: 'nftables', kubeProxyVersion: 'v1.20' }, false, ['nftables'], ['v1.20'], []],
    ['a mode list for check', { kubeProxyMode: 'ipvs, nftables' }, true, ['ipvs', 'nftables'], [], []],
    ['a list for run points to check', { kubeProxyMode: 'ipvs,nftables' }, false, ['ipvs', 'nftables'], [], ['--kube-proxy-mode: takes one value here; to compare ipvs with nftables run `resetlab check --kube-proxy-mode ipvs,nftables`']],
    ['unknown mode and version, all listed', { kubeProxyMode: 'userspace', kubeProxyVersion: 'v1.99' }, true, ['userspace'], ['v1.99'], ['--kube-proxy-mode: unknown mode "userspace"; expected one of ipvs, iptables, nftables', '--kube-proxy-version: kube-proxy v1.99 is not modelled (modelled: v1.11 to v1.37)']],
    ['both axes at once', { kubeProxyMode: 'ipvs,nftables', kubeProxyVersion: 'v1.29,v1.37' }, true, ['ipvs', 'nftables'], ['v1.29', 'v1.37'], ['--kube-proxy-version: compare either modes or versions in one check, not both (give one of them a single value)']],
    ['a value twice', { kubeProxyVersion: 'v1.37,v1.37' }, true, [], ['v1.37', 'v1.37'], ['--kube-proxy-version: names a value twice: v1.37,v1.37']],
  ])('%s', (_name, flags, lists, modes, versions, problems) => {
    const r = parseKubeProxyFlags(flags, { lists });
    expect(r.selection).toEqual({ modes, versions });
    expect(r.problems.map((p) => `${p.field}: ${p.message}`)).toEqual(problems);
  });
});

describe('pinKubeProxy', () => {
  const s = { name: 'over-window', topology: { proxyMode: 'auto', kubeProxyVersion: 'v1.37' } } as unknown as Scenario;
  it('pins mode and version on the topology', () => {
    expect(pinKubeProxy(s, 'ipvs', 'v1.20').scenario.topology).toMatchObject({ proxyMode: 'ipvs', kubeProxyVersion: 'v1.20' });
  });
  it('refuses a mode the version does not have', () => {
    expect(pinKubeProxy(s, 'nftables', 'v1.28').problem?.message).toMatch(/^over-window: kube-proxy v1.28 has no nftables mode/);
    expect(pinKubeProxy(s, undefined, 'v1.28').problem).toBeUndefined();
  });
});
