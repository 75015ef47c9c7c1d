/**
 * The kube driver as the CLI sees it (registry entry): the scenarios on a cluster the user
 * already has, as a good citizen. Before anything is changed it reads the cluster
 * (discover.ts): the context must look local unless `--allow-context` names it; kubectl must
 * reach the API server; two Ready nodes go under the roles; every permission is asked with a
 * SelfSubjectAccessReview; kube-proxy's mode and version are read. It then prints the
 * context, server, nodes and what it will change on node A, and goes on only with `--yes`
 * (`--dry-run` prints every manifest and sysctl change instead). Each refusal is one sentence,
 * exit 2, nothing created.
 */
import type { InputProblem } from '../../errors.js';
import { UnsupportedError } from '../../errors.js';
import type { Runner } from '../../exec/runner.js';
import type { Readiness } from '../setup-hint.js';
import { runEach, runEachOptions } from '../../run/run-each.js';
import type { Scenario } from '../../scenario/schema.js';
import type { DriverContext, DriverFlags, LabDriver } from '../driver.js';
import { newPrefix } from '../prefix.js';
import { manifestsYaml } from '../cluster/manifests.js';
import { retryingKubectl } from '../cluster/kubectl-retry.js';
import { AGENT_IMAGE_HELP, clusterScenarioProblems } from '../cluster/scenarios.js';
import { DEFAULT_AGENT_IMAGE } from '../kind/provision.js';
import { removeKubeLeftovers } from './cleanup.js';
import { deniedPermissions, permissionRefusal, readClusterKubeProxy, readNodes, resolveTarget, serverVersion } from './discover.js';
import { cpuRequestFlag, KUBE_CPU_REQUEST, kubeFlagProblems, parseNodesFlag, type KubeFlags } from './flags.js';
import { chooseNodes, runPermissions } from './preflight.js';
import { kubeRunObjects, masqueradePlan, provisionKubeLab, type KubeCluster } from './provider.js';

/** What only other drivers can do, refused on kube (pure). */
export function kubeScenarioProblems(scenarios: Scenario[]): InputProblem[] {
  const problems = clusterScenarioProblems(scenarios);
  for (const s of scenarios) {
    // IPVS timeouts are node-wide: changing them on someone's node would touch every connection there.
    if (s.fault.kind === 'ipvs-idle-expiry') problems.push({ file: s.source, field: 'fault.kind', message: 'ipvs-idle-expiry changes node-wide IPVS timeouts; the kube driver does not change those on your nodes (use --driver kind or vm)' });
  }
  return problems;
}

/** The node agent's lifetime (s) for these scenarios: their longest upper bound plus provisioning. Pure. */
export function agentLifetimeSec(scenarios: readonly Scenario[], timeScale = 1): number {
  const perScenario = scenarios.map((s) => s.trials * s.arms.length * (s.load.durationMs + 60_000 * timeScale) + 900_000 * timeScale);
  return Math.ceil(Math.max(600_000, ...perScenario) / 1000);
}

/** The sysctl values the arms write on node A, for the confirmation (pure). */
export function armSysctlChanges(scenarios: readonly Scenario[]): string[] {
  const lines = new Set<string>();
  for (const s of scenarios) for (const a of s.arms) lines.add(Object.entries(a.sysctls).map(([k, v]) => `${k}=${v}`).join(' '));
  return [...lines];
}

/** Reads the cluster and decides (see module doc); throws UnsupportedError on every refusal. */
export async function prepareKubeCluster(runner: Runner, flags: KubeFlags & { kubeProxyMode?: string }, say: (line: string) => void): Promise<KubeCluster> {
  const target = await resolveTarget(runner, flags);
  const version = await serverVersion(runner, target);
  const choice = chooseNodes(await readNodes(runner, target), parseNodesFlag(flags.nodes));
  if ('problems' in choice) throw new UnsupportedError(`cannot run on context "${target.context}": ${choice.problems.join('; ')}`);
  const refusal = permissionRefusal(target.context, await deniedPermissions(runner, target, runPermissions(newPrefix())));
  if (refusal) throw new UnsupportedError(refusal);
  const kubeProxy = await readClusterKubeProxy(runner, target, choice.a.name);
  say(`resetlab: context ${target.context} (${target.server ?? 'server unknown'}), Kubernetes ${version}`);
  say(`resetlab: node A ${choice.a.name} (kernel ${choice.a.kernelVersion ?? '?'}), node B ${choice.b.name} (kernel ${choice.b.kernelVersion ?? '?'}): ${choice.how}`);
  say(`resetlab: kube-proxy ${kubeProxy.version ?? kubeProxy.image ?? '(version unknown)'} in ${kubeProxy.mode ?? 'an unknown'} mode${kubeProxy.masqueradeAll !== null ? `, masqueradeAll ${kubeProxy.masqueradeAll}` : ''}${kubeProxy.unknown.length ? ` (not readable: ${kubeProxy.unknown.join('; ')})` : ''}`);
  const image = flags.agentImage ?? DEFAULT_AGENT_IMAGE;
  return { target, serverVersion: version, nodes: choice, kubeProxy, image, pullPolicy: 'IfNotPresent', cpuRequest: cpuRequestFlag(flags.cpuRequest) };
}

/**
 * What a run will do to the cluster, one verb phrase each (pure): printed as "will <line>" before
 * `--yes` is checked, and as "- <line>" by `--dry-run`. Node A's changes, the objects, the CPU.
 */
export function nodeChanges(cluster: KubeCluster, scenarios: readonly Scenario[]): string[] {
  const a = cluster.nodes.a.name;
  const lines = [`change node ${a}'s sysctls per arm: ${armSysctlChanges(scenarios).join(' | ')} (each restored when the run ends, also by the node agent if the run is killed)`];
  lines.push(`add to node ${a} an nftables table rl_…_evidence counting the run's segments (removed at the end)`);
  const ourMasquerade = (s: Scenario) => {
    const plan = masqueradePlan(s.topology.masquerade, cluster.kubeProxy.masqueradeAll);
    return s.topology.client === 'pod' && 'by' in plan && plan.by === 'resetlab';
  };
  if (scenarios.some(ourMasquerade)) {
    lines.push(`add to node ${a} an iptables nat POSTROUTING MASQUERADE rule for the run's client pod -> server pod only (kube-proxy's masqueradeAll is ${cluster.kubeProxy.masqueradeAll}; removed at the end)`);
  }
  if (scenarios.some((s) => s.topology.dropInvalid === true)) lines.push(`add to node ${a} a counted INVALID drop rule (removed at the end)`);
  lines.push(`create one namespace per scenario named rl-xxxxxx, labelled resetlab.prefix (Pod Security: privileged), with a privileged hostNetwork node agent on ${a}`);
  lines.push(
    cluster.cpuRequest
      ? `request ${cluster.cpuRequest.serverAndClient} CPU for the server pod (on ${cluster.nodes.b.name}) and for the client pod, ${cluster.cpuRequest.nodeAgent} for the node agent (no limits; --cpu-request 0 for none)`
      : 'request no CPU for its pods (--cpu-request 0): they are BestEffort, and a busy node may starve the load',
  );
  return lines;
}

/** `--dry-run`: every manifest of every scenario and the node changes; nothing is created. */
function printDryRun(ctx: Pick<DriverContext, 'say'>, cluster: KubeCluster, scenarios: readonly Scenario[], lifetimeSec: number): void {
  ctx.say('resetlab: dry run: nothing is created; this is what a run with --yes would do:');
  for (const line of nodeChanges(cluster, scenarios)) ctx.say(`  - ${line}`);
  for (const s of scenarios) {
    const prefix = newPrefix();
    process.stdout.write(`# ${s.name} (its namespace would be ${prefix})\n---\n${manifestsYaml(kubeRunObjects({ prefix, topology: s.topology, cluster, agentLifetimeSec: lifetimeSec }))}`);
  }
}

/** Removes the dead runs' namespaces on the flags' cluster and says what happened. */
async function removeLeftoversLoudly(ctx: Pick<DriverContext, 'runner' | 'say'>, flags: KubeFlags): Promise<void> {
  const target = await resolveTarget(ctx.runner, flags);
  const report = await removeKubeLeftovers(ctx.runner, target);
  for (const line of report.said) ctx.say(`resetlab: ${line}`);
  if (report.removed.length > 0) ctx.say(`resetlab: removed namespaces of kube runs that did not finish: ${report.removed.join(', ')}`);
  for (const line of report.left) ctx.say(`resetlab: left alone: ${line}`);
  for (const p of report.problems) ctx.say(`resetlab: ${p}`);
  if (report.problems.length > 0) throw new Error(`failed to remove every kube leftover (${report.problems.length} problem(s))`);
}

/**
 * `resetlab doctor`: kubectl and a current context in its kubeconfig (read from the kubeconfig
 * only: doctor never contacts a cluster, so "ready" does not promise the cluster answers).
 */
export async function kubeReadiness(runner: Runner): Promise<Readiness> {
  const fix = 'install kubectl and point it at your cluster (a current context, or --context NAME / --kubeconfig FILE)';
  const client = await runner.run(['kubectl', 'version', '--client'], { check: false, timeoutMs: 15_000 }).catch(() => null);
  if (client?.exitCode !== 0) return { ready: false, missing: ['the kubectl binary'], fix };
  const current = await runner.run(['kubectl', 'config', 'current-context'], { check: false, timeoutMs: 15_000 }).catch(() => null);
  if (current?.exitCode !== 0 || current.stdout.trim() === '') return { ready: false, missing: ['a kubeconfig context (kubectl has no current context)'], fix };
  return { ready: true, missing: [], fix: null };
}

/** The kube driver. */
export const kubeDriver: LabDriver = {
  name: 'kube',
  summary: 'a cluster you already have (kubeconfig context; local-looking contexts only unless --allow-context)',
  options: [
    { flags: '--context <name>', key: 'context', description: 'kube: the kubeconfig context (default: the current one)' },
    { flags: '--kubeconfig <file>', key: 'kubeconfig', description: "kube: the kubeconfig (default: kubectl's)" },
    { flags: '--allow-context <name>', key: 'allowContext', description: 'kube: use this context although it does not look local (kind-, minikube, k3d-, docker-desktop)' },
    { flags: '--nodes <a,b>', key: 'nodes', description: "kube: node A (the client's, where replies are judged) and node B (the server's); default: chosen" },
    { flags: '--yes', key: 'yes', description: 'kube: go ahead and change node A (without it resetlab prints what it would do and stops)' },
    { flags: '--dry-run', key: 'dryRun', description: 'kube: print every manifest and sysctl change; create nothing' },
    { flags: '--agent-image <image>', key: 'agentImage', description: AGENT_IMAGE_HELP },
    { flags: '--cpu-request <cpu>', key: 'cpuRequest', description: `kube: CPU the server and client pods request (default ${KUBE_CPU_REQUEST}, no limit; 0: none, BestEffort pods a busy node may starve)` },
  ],
  flagProblems: (flags) => kubeFlagProblems(flags as KubeFlags),
  scenarioProblems: kubeScenarioProblems,
  // The cluster's own mode, which only a run can read: --kube-proxy-mode states it (and is checked), else the scenario's, else ipvs.
  proxyModeFor: (s, flags) => (flags.kubeProxyMode as string | undefined) ?? (s.topology.proxyMode === 'auto' ? 'ipvs' : s.topology.proxyMode),
  kernelsFor: () => [],
  async execute(ctx, scenarios, flags, onReport) {
    const f = flags as KubeFlags & DriverFlags;
    const options = runEachOptions(flags);
    const { timeScale } = options;
    // The API server may drop a request (more so in an emulated guest): kubectl is retried, but never `kubectl exec`.
    const runner = retryingKubectl(ctx.runner, { attempts: timeScale > 1 ? 6 : 3, say: (line) => ctx.say(`resetlab: ${line}`), passThrough: (argv) => argv.includes('exec') });
    const cluster = await prepareKubeCluster(runner, { ...f, ...(typeof f.kubeProxyMode === 'string' ? { kubeProxyMode: f.kubeProxyMode } : {}) }, ctx.say);
    const lifetimeSec = agentLifetimeSec(scenarios, timeScale);
    if (f.dryRun) {
      printDryRun(ctx, cluster, scenarios, lifetimeSec);
      return [];
    }
    for (const line of nodeChanges(cluster, scenarios)) ctx.say(`resetlab: will ${line}`);
    if (!f.yes) throw new UnsupportedError(`nothing was changed: pass --yes to let resetlab change node ${cluster.nodes.a.name} as listed above (or --dry-run to see every manifest)`);
    const wait = timeScale > 1 ? { rolloutMs: 900_000, endpointsMs: 300_000 } : undefined;
    // In a slow guest a kubectl exec can take minutes (measured: over 30 s in a 6.1 TCG guest).
    const execTimeoutMs = timeScale > 1 ? 600_000 : undefined;
    return runEach({ ...ctx, ...options }, scenarios, (topology) =>
      provisionKubeLab({
        prefix: newPrefix(),
        topology,
        runner,
        cluster,
        ...(typeof f.kubeProxyMode === 'string' ? { expectMode: f.kubeProxyMode } : topology.proxyMode !== 'auto' ? { expectMode: topology.proxyMode } : {}),
        agentLifetimeSec: lifetimeSec,
        ...(wait ? { wait } : {}),
        ...(execTimeoutMs ? { execTimeoutMs } : {}),
        say: ctx.say,
      }),
    onReport);
  },
  readiness: kubeReadiness,
  async removeLeftovers(ctx, flags) {
    // Only when asked (`resetlab cleanup --driver kube`): a plain cleanup never contacts a cluster.
    if (flags?.driver !== 'kube') return;
    await removeLeftoversLoudly(ctx, flags as KubeFlags);
  },
};
