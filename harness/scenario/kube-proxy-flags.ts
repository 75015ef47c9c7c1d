/**
 * `--kube-proxy-mode A[,B]` and `--kube-proxy-version A[,B]` (every driver): parsed and checked
 * here (pure), then pinned onto each scenario's topology. `run` takes one value of each; `check`
 * takes lists and compares them (cli/commands/check-compare.ts). Every problem names the flag.
 */
import type { InputProblem } from '../errors.js';
import { modeProblem, parseKubeProxyVersion } from '../dataplane/index.js';
import type { Scenario } from './schema.js';

/** The modes a flag may name. */
export const KUBE_PROXY_MODES = ['ipvs', 'iptables', 'nftables'] as const;

/** The values the flags gave (empty: each scenario keeps its own). */
export interface KubeProxySelection {
  modes: string[];
  versions: string[];
}

const list = (v: unknown): string[] => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : []);

/**
 * Parses the two flags (pure). `lists: false` (run, reproduce) refuses more than one value of
 * each and points to `check` for comparisons.
 */
export function parseKubeProxyFlags(
  flags: { kubeProxyMode?: unknown; kubeProxyVersion?: unknown },
  options: { lists: boolean },
): { selection: KubeProxySelection; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const p = (field: string, message: string) => problems.push({ file: 'flags', field, message });
  const modes = list(flags.kubeProxyMode);
  const versions = list(flags.kubeProxyVersion);
  for (const m of modes) {
    if (!(KUBE_PROXY_MODES as readonly string[]).includes(m)) p('--kube-proxy-mode', `unknown mode "${m}"; expected one of ${KUBE_PROXY_MODES.join(', ')}`);
  }
  for (const v of versions) {
    const r = parseKubeProxyVersion(v);
    if ('problem' in r) p('--kube-proxy-version', r.problem);
  }
  for (const [field, values] of [['--kube-proxy-mode', modes], ['--kube-proxy-version', versions]] as const) {
    if (new Set(values).size !== values.length) p(field, `names a value twice: ${values.join(',')}`);
    if (!options.lists && values.length > 1) p(field, `takes one value here; to compare ${values.join(' with ')} run \`resetlab check ${field} ${values.join(',')}\``);
  }
  if (options.lists && modes.length > 1 && versions.length > 1) {
    p('--kube-proxy-version', 'compare either modes or versions in one check, not both (give one of them a single value)');
  }
  return { selection: { modes, versions }, problems };
}

/**
 * The scenario with `mode` and/or `version` pinned on its topology, or the problem that the
 * version has no such mode (e.g. nftables before v1.29). Pure.
 */
export function pinKubeProxy(s: Scenario, mode?: string, version?: string): { scenario: Scenario; problem?: InputProblem } {
  const topology = {
    ...s.topology,
    ...(mode ? { proxyMode: mode as Scenario['topology']['proxyMode'] } : {}),
    ...(version ? { kubeProxyVersion: version } : {}),
  };
  const v = parseKubeProxyVersion(topology.kubeProxyVersion);
  const problem = 'version' in v ? modeProblem(topology.proxyMode, v.version) : v.problem;
  const scenario = { ...s, topology };
  return problem ? { scenario, problem: { file: 'flags', field: mode ? '--kube-proxy-mode' : '--kube-proxy-version', message: `${s.name}: ${problem}` } } : { scenario };
}
