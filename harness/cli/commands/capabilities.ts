/**
 * What each validated scenario needs from the chosen driver and this machine, checked before
 * anything is created: a problem per scenario field that cannot run here (exit 2 with the
 * others), instead of a failure after provisioning.
 */
import { UnsupportedError, type InputProblem } from '../../errors.js';
import type { NodeRole } from '../../lab/lab.js';
import { topologyPlan } from '../../lab/netns/provision.js';
import { chooseProxyMode, readProxyFacts, type ProxyFacts } from '../../lab/netns/proxy-mode.js';
import type { Scenario } from '../../scenario/schema.js';

/** Interface names each netns node has (from the topology plan), plus lo. */
export function netnsInterfaces(role: NodeRole): string[] {
  const plan = topologyPlan('rl-000000');
  return ['lo', ...plan.veths.flatMap((v) => [v.a, v.b]).filter((end) => end.role === role).map((end) => end.ifname)];
}

/** Problems of `scenarios` on `driver` (facts injectable for tests). */
export function capabilityProblems(scenarios: Scenario[], driver: string, facts: ProxyFacts = readProxyFacts()): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const s of scenarios) {
    const p = (field: string, message: string) => problems.push({ file: s.source, field, message });
    const rpsSpecs = [
      ...(s.rps ? [{ field: 'rps', spec: s.rps }] : []),
      ...s.arms.flatMap((a, i) => (a.rps ? [{ field: `arms[${i}].rps`, spec: a.rps }] : [])),
    ];
    if (driver === 'kind') {
      if (s.fault.kind === 'delayed-duplicates') p('fault.kind', 'delayed-duplicates needs the netns driver (it builds a second wire between the nodes)');
      for (const r of rpsSpecs) p(r.field, 'rps is only supported with the netns driver');
      // The kind driver places a client pod or uses a node; these paths are netns-only for now.
      if (s.topology.client === 'external') p('topology.client', 'client: external needs the netns driver');
      if (s.topology.service === 'nodePort') p('topology.service', 'service: nodePort needs the netns driver');
      if (s.topology.hairpin) p('topology.hairpin', 'hairpin needs the netns driver');
      continue;
    }
    try {
      chooseProxyMode(s.topology.proxyMode, facts);
    } catch (error) {
      if (!(error instanceof UnsupportedError)) throw error;
      p('topology.proxyMode', error.message);
    }
    for (const r of rpsSpecs) {
      for (const node of r.spec.nodes) {
        const known = netnsInterfaces(node as NodeRole);
        for (const ifname of r.spec.interfaces) {
          if (!known.includes(ifname)) p(`${r.field}.interfaces`, `${node} has no interface "${ifname}" (it has ${known.join(', ')})`);
        }
      }
    }
  }
  return problems;
}
