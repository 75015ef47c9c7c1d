/**
 * `--driver kind` for `run`, `reproduce` and `check`: validates the kind flags (with every
 * other flag, before anything runs), checks the machine (kind, kubectl, a Docker engine:
 * one sentence, exit 2, nothing created), and returns the LabFactory the pipeline uses.
 * Also `removeKindLeftoversLoudly` for `resetlab cleanup`.
 */
import type { InputProblem } from '../../errors.js';
import { removeKindLeftovers } from '../../lab/kind/cleanup.js';
import { KUBE_PROXY_MODES, type KubeProxyMode } from '../../lab/kind/config.js';
import { assertKindPreconditions } from '../../lab/kind/preconditions.js';
import { provisionKindLab } from '../../lab/kind/provider.js';
import { newPrefix } from '../../lab/prefix.js';
import type { LabFactory } from '../../run/run-scenario.js';
import type { CliContext } from '../context.js';

/** kind flags as commander hands them over (strings, unvalidated). */
export interface KindFlags {
  driver?: string;
  /** `--keep-cluster`: reuse the cluster if it exists and never delete it. */
  keepCluster?: boolean;
  /** `--cluster NAME`: the kind cluster to create or reuse. */
  cluster?: string;
  /** `--node-image IMAGE`: kindest/node image (Kubernetes version). */
  nodeImage?: string;
  /** `--kube-proxy-mode ipvs|iptables|nftables` (default ipvs). */
  kubeProxyMode?: string;
  /** `--agent-image IMAGE`: a prebuilt agent image instead of building docker/Dockerfile. */
  agentImage?: string;
}

/** kind cluster names: what kind accepts and keeps node hostnames valid. */
const CLUSTER_NAME = /^[a-z0-9]([a-z0-9.-]{0,38}[a-z0-9])?$/;

/** Every problem with the kind flags (empty when fine). Pure. */
export function kindFlagProblems(flags: KindFlags): InputProblem[] {
  const problems: InputProblem[] = [];
  const p = (field: string, message: string) => problems.push({ file: 'flags', field, message });
  const given = (['keepCluster', 'cluster', 'nodeImage', 'kubeProxyMode', 'agentImage'] as const).filter((k) => flags[k] !== undefined);
  if (flags.driver !== 'kind') {
    for (const k of given) p(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, 'only applies with --driver kind');
    return problems;
  }
  if (flags.cluster !== undefined && !CLUSTER_NAME.test(flags.cluster)) {
    p('--cluster', `"${flags.cluster}" is not a valid kind cluster name (lowercase letters, digits, '-' and '.', at most 40)`);
  }
  if (flags.kubeProxyMode !== undefined && !(KUBE_PROXY_MODES as readonly string[]).includes(flags.kubeProxyMode)) {
    p('--kube-proxy-mode', `unknown mode "${flags.kubeProxyMode}"; expected one of ${KUBE_PROXY_MODES.join(', ')}`);
  }
  for (const [field, value] of [['--node-image', flags.nodeImage], ['--agent-image', flags.agentImage]] as const) {
    if (value !== undefined && !/^[\w./:@-]+$/.test(value)) p(field, `"${value}" is not an image reference`);
  }
  return problems;
}

/**
 * Checks the machine for the kind driver (throws UnsupportedError, exit 2, before anything
 * is created) and returns the factory: one fresh prefix per scenario, the cluster shared
 * when `--keep-cluster` (each run gets its own namespace, rules and containers).
 */
export async function prepareKindDriver(ctx: CliContext, flags: KindFlags): Promise<LabFactory> {
  await assertKindPreconditions(ctx.runner);
  return (topology) =>
    provisionKindLab({
      prefix: newPrefix(),
      topology,
      runner: ctx.runner,
      ...(flags.cluster !== undefined ? { clusterName: flags.cluster } : {}),
      keepCluster: flags.keepCluster === true,
      ...(flags.nodeImage !== undefined ? { nodeImage: flags.nodeImage } : {}),
      ...(flags.kubeProxyMode !== undefined ? { kubeProxyMode: flags.kubeProxyMode as KubeProxyMode } : {}),
      ...(flags.agentImage !== undefined ? { agentImage: flags.agentImage } : {}),
    });
}

/** Removes what dead kind runs left (containers, run-named clusters) and says so on stderr. */
export async function removeKindLeftoversLoudly(ctx: CliContext): Promise<number> {
  const report = await removeKindLeftovers(ctx.runner);
  if (report.removed.length > 0) ctx.say(`resetlab: removed kind leftovers of runs that did not finish: ${report.removed.join(', ')}`);
  if (report.inUse.length > 0) ctx.say(`resetlab: left alone (a live run owns them): ${report.inUse.join(', ')}`);
  for (const problem of report.problems) ctx.say(`resetlab: ${problem}`);
  if (report.problems.length > 0) throw new Error(`failed to remove every kind leftover (${report.problems.length} problem(s))`);
  return report.removed.length;
}
