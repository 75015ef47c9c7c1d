import { describe, expect, it } from 'vitest';
import type { ProxyFacts } from '../../lab/netns/proxy-mode.js';
import { REPRODUCE_SCENARIOS, REPRODUCE_SCENARIOS_IPVS, reproduceScenarios } from './reproduce.js';

const IPVS: ProxyFacts = { ipVsLoaded: true, ipvsadm: true, nft: true, iptables: true, ipset: true, dummy: true };

describe('reproduceScenarios', () => {
  it.each<[string, string | undefined, ProxyFacts, string[]]>([
    ['netns with real IPVS: a resetting IPVS path, the plain path beside it, the control', undefined, IPVS, REPRODUCE_SCENARIOS_IPVS],
    ['netns without ip_vs (iptables DNAT)', 'netns', { ...IPVS, ipVsLoaded: false }, REPRODUCE_SCENARIOS],
    ['netns with ip_vs but no ipset (auto falls back to iptables)', undefined, { ...IPVS, ipset: false }, REPRODUCE_SCENARIOS],
    ['kind (kube-proxy IPVS mode)', 'kind', { ...IPVS, ipVsLoaded: false }, REPRODUCE_SCENARIOS_IPVS],
    ['no data plane at all: the run reports it', undefined, { ...IPVS, nft: false }, REPRODUCE_SCENARIOS],
  ])('%s', (_name, driver, facts, want) => {
    expect(reproduceScenarios(driver, facts)).toEqual(want);
  });

  it('the IPVS set starts with a masqueraded path and keeps the plain path and the control', () => {
    expect(REPRODUCE_SCENARIOS_IPVS).toEqual(['over-window-masquerade', 'over-window', 'none']);
  });
});
