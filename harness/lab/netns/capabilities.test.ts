import { describe, expect, it } from 'vitest';
import type { ProxyFacts } from './proxy-mode.js';
import { validateScenario, type Scenario } from '../../scenario/schema.js';
import { clusterScenarioProblems } from '../cluster/scenarios.js';
import { netnsInterfaces, netnsScenarioProblems } from './capabilities.js';

const NO_IPVS: ProxyFacts = { ipVsLoaded: false, ipvsadm: false, nft: true, iptables: true };

function scenario(data: Record<string, unknown>): Scenario {
  const r = validateScenario({ name: 'x', ...data }, 'x.yaml', 'x.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
}

describe('scenario problems per driver', () => {
  it('accepts the defaults on a netns host without ip_vs', () => {
    expect(netnsScenarioProblems([scenario({})], NO_IPVS)).toEqual([]);
  });

  it('refuses proxyMode ipvs without ip_vs, naming the field, before anything runs', () => {
    expect(netnsScenarioProblems([scenario({ topology: { proxyMode: 'ipvs' } })], NO_IPVS)).toEqual([
      { file: 'x.yaml', field: 'topology.proxyMode', message: expect.stringMatching(/^proxyMode ipvs cannot run here: the kernel has no ip_vs loaded/) },
    ]);
  });

  it('refuses what only the netns driver can do when the driver is kind', () => {
    const s = scenario({ fault: { kind: 'delayed-duplicates' }, rps: { cpus: '1' } });
    expect(clusterScenarioProblems([s]).map((p) => p.field)).toEqual(['fault.kind', 'rps']);
    const paths = scenario({ topology: { client: 'external', service: 'nodePort' } });
    expect(clusterScenarioProblems([paths]).map((p) => p.field)).toEqual(['topology.client', 'topology.service']);
    expect(clusterScenarioProblems([scenario({ topology: { hairpin: true } })]).map((p) => p.field)).toEqual(['topology.hairpin']);
  });

  it('refuses an rps interface the node does not have', () => {
    const s = scenario({ arms: [{ name: 'a', sysctls: { 'net.netfilter.nf_conntrack_tcp_be_liberal': 0 }, rps: { cpus: '1', nodes: ['node-a'], interfaces: ['eth0'] } }] });
    expect(netnsScenarioProblems([s], NO_IPVS)).toEqual([
      { file: 'x.yaml', field: 'arms[0].rps.interfaces', message: 'node-a has no interface "eth0" (it has lo, wire0, veth-client)' },
    ]);
  });

  it('knows each node\'s interfaces from the topology plan', () => {
    expect(netnsInterfaces('node-b')).toEqual(['lo', 'wire0', 'veth-server']);
    expect(netnsInterfaces('client')).toEqual(['lo', 'eth0']);
  });
});
