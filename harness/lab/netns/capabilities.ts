/**
 * What each validated scenario needs from the netns driver and this machine, checked before
 * anything is created: a problem per scenario field that cannot run here (exit 2 with the
 * others), instead of a failure after provisioning. Read-only.
 */
import { UnsupportedError, type InputProblem } from '../../errors.js';
import type { Scenario } from '../../scenario/schema.js';
import type { NodeRole } from '../lab.js';
import { topologyPlan } from './provision.js';
import { chooseProxyMode, readProxyFacts, type ProxyFacts } from './proxy-mode.js';

/** Interface names each netns node has (from the topology plan), plus lo. */
export function netnsInterfaces(role: NodeRole): string[] {
  const plan = topologyPlan('rl-000000');
  return ['lo', ...plan.veths.flatMap((v) => [v.a, v.b]).filter((end) => end.role === role).map((end) => end.ifname)];
}

/** `rps` specs of a scenario with the field they come from. */
export function rpsSpecs(s: Scenario): { field: string; spec: NonNullable<Scenario['rps']> }[] {
  return [
    ...(s.rps ? [{ field: 'rps', spec: s.rps }] : []),
    ...s.arms.flatMap((a, i) => (a.rps ? [{ field: `arms[${i}].rps`, spec: a.rps }] : [])),
  ];
}

/**
 * Problems of `scenarios` on the netns driver (facts injectable for tests; `facts: null`
 * skips the proxy-mode check, for a guest whose kernel is not this one).
 */
export function netnsScenarioProblems(scenarios: Scenario[], facts: ProxyFacts | null = readProxyFacts()): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const s of scenarios) {
    const p = (field: string, message: string) => problems.push({ file: s.source, field, message });
    if (facts) {
      try {
        chooseProxyMode(s.topology.proxyMode, facts);
      } catch (error) {
        if (!(error instanceof UnsupportedError)) throw error;
        p('topology.proxyMode', error.message);
      }
    }
    for (const r of rpsSpecs(s)) {
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
