/**
 * What the kube driver reads from the user's cluster before it changes anything (read-only,
 * through kubectl): the context and its server, that the API server answers, the nodes,
 * the permissions (SelfSubjectAccessReviews), and kube-proxy's mode, masqueradeAll and
 * version on node A. Every refusal is an UnsupportedError (one sentence, exit 2, nothing
 * created).
 */
import { UnsupportedError } from '../../errors.js';
import type { Runner, RunResult } from '../../exec/runner.js';
import type { KubeProxyMode } from '../kind/config.js';
import { KUBE_PROXY_PODS_JSONPATH, parseKubeProxyConfig, parseKubeProxyPods, parseProxierFromLogs } from '../cluster/parse-kube-proxy.js';
import { kubectlConfig, kubectlFor, type KubeTarget } from './api.js';
import { accessReviews, parseAccessReviews, parseNodes, parseServerVersion, permissionText, type ClusterNode, type Permission } from './facts.js';
import { contextAllowed, type KubeFlags } from './flags.js';
import { contextRefusal } from './preflight.js';

/** The last meaningful line a command printed (for one-sentence refusals). */
function lastLine(r: RunResult): string {
  return `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean).at(-1)?.slice(0, 300) ?? `exit ${r.exitCode}`;
}

async function tryRun(runner: Runner, argv: string[], timeoutMs = 30_000): Promise<RunResult | null> {
  try {
    return await runner.run(argv, { check: false, timeoutMs });
  } catch {
    return null; // not installed, or timed out
  }
}

/** The cluster the flags name: context (given or current) and its server URL. Refuses a non-local one unless allowed. */
export async function resolveTarget(runner: Runner, flags: KubeFlags): Promise<KubeTarget & { server: string | null }> {
  const client = await tryRun(runner, ['kubectl', 'version', '--client'], 15_000);
  if (client?.exitCode !== 0) throw new UnsupportedError('the kube driver cannot run on this machine: it needs the kubectl binary.');
  let context = flags.context;
  if (context === undefined) {
    const current = await tryRun(runner, kubectlConfig(flags.kubeconfig, 'config', 'current-context'));
    context = current?.exitCode === 0 ? current.stdout.trim() : '';
    if (!context) {
      throw new UnsupportedError(`the kube driver has no cluster to run on: kubectl has no current context${flags.kubeconfig ? ` in ${flags.kubeconfig}` : ''}; pass --context NAME (or --kubeconfig FILE)`);
    }
  }
  const view = await tryRun(runner, kubectlConfig(flags.kubeconfig, 'config', 'view', '--minify', '--context', context, '-o', 'jsonpath={.clusters[0].cluster.server}'));
  if (view?.exitCode !== 0) throw new UnsupportedError(`the kube driver has no cluster to run on: context "${context}" is not in the kubeconfig (${view ? lastLine(view) : 'kubectl did not answer'})`);
  const server = view.stdout.trim() || null;
  if (!contextAllowed(context, flags.allowContext)) throw new UnsupportedError(contextRefusal(context, server));
  return { context, server, ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}) };
}

/** The API server's version; refuses (exit 2) when it does not answer. */
export async function serverVersion(runner: Runner, target: KubeTarget & { server: string | null }): Promise<string> {
  const r = await tryRun(runner, kubectlFor(target, 'version', '-o', 'json'), 60_000);
  if (r?.exitCode !== 0) {
    throw new UnsupportedError(`the kube driver cannot reach the cluster of context "${target.context}"${target.server ? ` (${target.server})` : ''}: ${r ? lastLine(r) : 'kubectl timed out'}`);
  }
  return parseServerVersion(r.stdout);
}

/** The cluster's nodes. */
export async function readNodes(runner: Runner, target: KubeTarget): Promise<ClusterNode[]> {
  return parseNodes((await runner.run(kubectlFor(target, 'get', 'nodes', '-o', 'json'), { timeoutMs: 60_000 })).stdout);
}

/** Asks every permission (one `kubectl create` of a List of SelfSubjectAccessReviews); returns the denied ones. */
export async function deniedPermissions(runner: Runner, target: KubeTarget, permissions: readonly Permission[]): Promise<Permission[]> {
  const r = await runner.run(kubectlFor(target, 'create', '-f', '-', '-o', 'json'), { input: JSON.stringify(accessReviews(permissions)), timeoutMs: 60_000 });
  const allowed = parseAccessReviews(r.stdout, permissions.length);
  return permissions.filter((_, i) => !allowed[i]);
}

/** The refusal for denied permissions (exit 2), or null when only optional ones are denied. Pure. */
export function permissionRefusal(context: string, denied: readonly Permission[]): string | null {
  const needed = denied.filter((p) => !p.optional);
  if (needed.length === 0) return null;
  return `context "${context}" may not do what a run needs: ${needed.map((p) => `${permissionText(p)} (to ${p.why})`).join('; ')}; the README's "Your own cluster" section has a ClusterRole that grants it`;
}

/** What the cluster says about kube-proxy on node A (null fields: not readable or not there). */
export interface ClusterKubeProxy {
  /** From the ConfigMap, else the log, else null (kube-proxy replaced or not readable). */
  mode: KubeProxyMode | null;
  configuredMode: KubeProxyMode | null;
  loggedMode: KubeProxyMode | null;
  masqueradeAll: boolean | null;
  tcpBeLiberal: boolean | null;
  version: string | null;
  image: string | null;
  /** What could not be read, one phrase each. */
  unknown: string[];
}

/** Reads kube-proxy's ConfigMap, its pod on `nodeA` and that pod's log (each may be missing: said in `unknown`). */
export async function readClusterKubeProxy(runner: Runner, target: KubeTarget, nodeA: string): Promise<ClusterKubeProxy> {
  const unknown: string[] = [];
  const cm = await runner.run(kubectlFor(target, '-n', 'kube-system', 'get', 'configmap', 'kube-proxy', '-o', 'jsonpath={.data.config\\.conf}'), { check: false, timeoutMs: 60_000 });
  let config: ReturnType<typeof parseKubeProxyConfig> | null = null;
  if (cm.exitCode === 0 && cm.stdout.trim()) {
    try {
      config = parseKubeProxyConfig(cm.stdout);
    } catch (error) {
      unknown.push((error as Error).message);
    }
  } else unknown.push(`kube-system/kube-proxy ConfigMap (${cm.exitCode === 0 ? 'empty' : lastLine(cm)})`);
  const podsOut = await runner.run(kubectlFor(target, '-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-proxy', '-o', `jsonpath=${KUBE_PROXY_PODS_JSONPATH}`), { check: false, timeoutMs: 60_000 });
  let pod: ReturnType<typeof parseKubeProxyPods>[number] | undefined;
  try {
    pod = podsOut.exitCode === 0 ? parseKubeProxyPods(podsOut.stdout).find((p) => p.node === nodeA) : undefined;
  } catch {
    pod = undefined;
  }
  let loggedMode: KubeProxyMode | null = null;
  if (pod) {
    const logs = await runner.run(kubectlFor(target, '-n', 'kube-system', 'logs', pod.name, '--tail=-1'), { check: false, timeoutMs: 60_000 });
    loggedMode = parseProxierFromLogs(logs.stdout + logs.stderr);
    if (!loggedMode) unknown.push(`the mode in ${pod.name}'s log`);
  } else unknown.push(`a kube-proxy pod (label k8s-app=kube-proxy) on ${nodeA}`);
  return {
    mode: loggedMode ?? config?.mode ?? null,
    configuredMode: config?.mode ?? null,
    loggedMode,
    masqueradeAll: config ? config.masqueradeAll : null,
    tcpBeLiberal: config ? config.tcpBeLiberal : null,
    version: pod?.version ?? null,
    image: pod?.image ?? null,
    unknown,
  };
}
