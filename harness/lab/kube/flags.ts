/**
 * The kube driver's flags (pure): which cluster (`--context`, `--kubeconfig`), which nodes
 * (`--nodes A,B`), what may happen (`--allow-context`, `--yes`, `--dry-run`) and the agent
 * image. Also the good-citizen rule on contexts: only local-looking ones (a cluster on this
 * machine: kind-, minikube, k3d-, docker-desktop, rancher-desktop) are used unless the user
 * names the context in `--allow-context`, as Tilt does.
 */
import type { InputProblem } from '../../errors.js';

/** kube flags as commander hands them over (strings, unvalidated). */
export interface KubeFlags {
  /** `--context NAME`: the kubeconfig context (default: the current one). */
  context?: string;
  /** `--kubeconfig FILE` (default: kubectl's, KUBECONFIG or ~/.kube/config). */
  kubeconfig?: string;
  /** `--allow-context NAME`: use this context although it does not look local. */
  allowContext?: string;
  /** `--yes`: go ahead and change node A (without it resetlab prints what it would do and stops). */
  yes?: boolean;
  /** `--dry-run`: print every manifest and sysctl change, create nothing. */
  dryRun?: boolean;
  /** `--nodes A,B`: node A (the client's, where the replies are judged) and node B (the server's). */
  nodes?: string;
  /** `--json` (a common run flag): stdout carries one JSON document. */
  json?: boolean;
  /** `--agent-image IMAGE`: the image of the pods (resetlab's agent image; the cluster must be able to pull it or have it). */
  agentImage?: string;
  /** `--cpu-request CPU`: what the server and client pods request (default KUBE_CPU_REQUEST; 0: none). */
  cpuRequest?: string;
}

/**
 * The CPU the server and client pods request by default. Without a request a pod is
 * BestEffort: its cgroup gets 2 CPU shares, so on a busy node (the API server, the kubelet
 * handling resetlab's own `kubectl exec`s) its agents wait for CPU and the load measures the
 * node's scheduler. Measured in a 6.1 TCG guest (docs/kube.md, attempts 6 and 7).
 */
export const KUBE_CPU_REQUEST = '250m';
/** What the node agent requests when the pods request CPU at all (its commands are short). */
export const NODE_AGENT_CPU_REQUEST = '50m';

/** A CPU quantity as `--cpu-request` takes it: millicores (`250m`) or cores (`0.5`, `1`). */
const CPU_QUANTITY = /^(\d+m|\d+(\.\d{1,3})?)$/;

/** The CPU a run's pods request: the server and client pods', and the node agent's. */
export interface PodCpuRequest {
  serverAndClient: string;
  nodeAgent: string;
}

/** `--cpu-request` as the pods' requests: null for none (`0`). Pure; assumes kubeFlagProblems found nothing. */
export function cpuRequestFlag(value: string | undefined): PodCpuRequest | null {
  const v = value ?? KUBE_CPU_REQUEST;
  return /^0+(\.0*)?m?$/.test(v) ? null : { serverAndClient: v, nodeAgent: NODE_AGENT_CPU_REQUEST };
}

/** Context names that point at a cluster on this machine (the tools' own defaults). */
export const LOCAL_CONTEXT = /^(kind-.+|minikube|k3d-.+|docker-desktop|docker-for-desktop|rancher-desktop|colima)$/;
/** The same, as a person reads it. */
export const LOCAL_CONTEXT_NAMES = 'kind-*, minikube, k3d-*, docker-desktop, docker-for-desktop, rancher-desktop, colima';

/** Whether `context` may be used: local-looking, or named by `--allow-context`. Pure. */
export function contextAllowed(context: string, allow: string | undefined): boolean {
  return LOCAL_CONTEXT.test(context) || (allow !== undefined && allow === context);
}

/** Kubernetes object names (RFC 1123 subdomain), which node names are. */
const NODE_NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

/** `--nodes A,B` as [A, B], or null when absent. Pure; assumes kubeFlagProblems found nothing. */
export function parseNodesFlag(value: string | undefined): [string, string] | null {
  if (value === undefined) return null;
  const [a, b] = value.split(',').map((s) => s.trim());
  return [a!, b!];
}

/** Every problem with the kube flags (empty when fine). Pure. */
export function kubeFlagProblems(flags: KubeFlags): InputProblem[] {
  const problems: InputProblem[] = [];
  const p = (field: string, message: string) => problems.push({ file: 'flags', field, message });
  for (const [field, value] of [['--context', flags.context], ['--allow-context', flags.allowContext]] as const) {
    if (value !== undefined && (value.trim() === '' || /\s/.test(value))) p(field, `"${value}" is not a context name`);
  }
  if (flags.kubeconfig !== undefined && flags.kubeconfig.trim() === '') p('--kubeconfig', 'must name a file');
  if (flags.nodes !== undefined) {
    const parts = flags.nodes.split(',').map((s) => s.trim());
    if (parts.length !== 2) p('--nodes', `expected two node names, A,B (node A runs the client), got "${flags.nodes}"`);
    else if (parts[0] === parts[1]) p('--nodes', 'node A and node B must differ: the failure needs traffic between two nodes');
    else for (const n of parts) if (!NODE_NAME.test(n)) p('--nodes', `"${n}" is not a node name`);
  }
  if (flags.agentImage !== undefined && !/^[\w./:@-]+$/.test(flags.agentImage)) p('--agent-image', `"${flags.agentImage}" is not an image reference`);
  if (flags.cpuRequest !== undefined && !CPU_QUANTITY.test(flags.cpuRequest)) p('--cpu-request', `"${flags.cpuRequest}" is not a CPU quantity (millicores like 250m, or cores like 0.5; 0 for no request)`);
  if (flags.yes && flags.dryRun) p('--dry-run', 'cannot be combined with --yes (a dry run changes nothing)');
  if (flags.json && flags.dryRun) p('--dry-run', 'prints YAML on stdout, so it cannot be combined with --json');
  return problems;
}
