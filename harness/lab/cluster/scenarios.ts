/**
 * What the cluster drivers (kind, kube) share about scenarios and flags (pure): the paths only
 * the netns driver builds, and the help of the flag both have.
 */
import type { InputProblem } from '../../errors.js';
import type { Scenario } from '../../scenario/schema.js';
import { rpsSpecs } from '../netns/capabilities.js';

/** --agent-image's help, shared by kind and kube (the first description of a shared flag is the one --help shows). */
export const AGENT_IMAGE_HELP = "a prebuilt agent image (kind: instead of building docker/Dockerfile; kube: the pods' image, one the cluster has or can pull)";

/** What only the netns driver can do, refused on the cluster drivers (kind, kube) (pure). */
export function clusterScenarioProblems(scenarios: Scenario[]): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const s of scenarios) {
    const p = (field: string, message: string) => problems.push({ file: s.source, field, message });
    if (s.fault.kind === 'delayed-duplicates') p('fault.kind', 'delayed-duplicates needs the netns driver (it builds a second wire between the nodes)');
    for (const r of rpsSpecs(s)) p(r.field, 'rps is only supported with the netns driver');
    // The kind driver places a client pod or uses a node; these paths are netns-only for now.
    if (s.topology.client === 'external') p('topology.client', 'client: external needs the netns driver');
    if (s.topology.service === 'nodePort') p('topology.service', 'service: nodePort needs the netns driver');
    if (s.topology.hairpin) p('topology.hairpin', 'hairpin needs the netns driver');
  }
  return problems;
}

