/**
 * Applying the run's workloads (manifests.ts) with `kubectl apply -f -` and waiting until
 * they serve, on any cluster (kind's or the user's, through `ClusterApi`): `kubectl rollout status` with a timeout per Deployment, then the Service's
 * EndpointSlice must list the server pod as ready (polled until an explicit deadline), so
 * kube-proxy has a backend for the ClusterIP before the first arm starts.
 */
import type { Runner } from '../../exec/runner.js';
import { manifestsYaml } from './manifests.js';
import type { WorkloadNames } from './manifests.js';
import { parseTabLines } from './parse-tab.js';

/** How the shared cluster code reaches one run's objects: its kubectl argv (context, kubeconfig) and the run's names. */
export interface ClusterApi {
  /** `kubectl <context flags> ...args`. */
  kubectl(...args: string[]): string[];
  names: WorkloadNames;
}

/** Timeouts of the waits (ms); defaults suit a fresh kind cluster on a small machine. */
export interface WaitOptions {
  /** For nodes to get podCIDRs and turn Ready after the driver's pod network (offline node image). */
  nodesMs?: number;
  rolloutMs?: number;
  endpointsMs?: number;
  /** Poll interval for the endpoints (tests set 0). */
  pollMs?: number;
}

/** Applies `objects` (stdin YAML; manifests.ts) in one `kubectl apply`. */
export async function applyObjects(runner: Runner, api: ClusterApi, objects: readonly Record<string, unknown>[]): Promise<void> {
  await runner.run(api.kubectl('apply', '-f', '-'), { input: manifestsYaml(objects), timeoutMs: 120_000 });
}

/** jsonpath printing `address<TAB>ready` per endpoint of an EndpointSlice list. */
export const ENDPOINTS_JSONPATH = 'jsonpath={range .items[*].endpoints[*]}{.addresses[0]}{"\\t"}{.conditions.ready}{"\\n"}{end}';

/** Ready endpoint addresses from `ENDPOINTS_JSONPATH` output. Pure. */
export function readyEndpoints(text: string): string[] {
  return parseTabLines(text, ['address', 'ready'], 'EndpointSlice endpoints')
    .filter((e) => e.ready === 'true')
    .map((e) => e.address);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each pod of a Deployment: name, node, phase, its containers' state and last state (kubectl's JSON), and why it is not scheduled (e.g. "Insufficient cpu"). */
export const POD_STATES_JSONPATH =
  'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\t"}{.status.phase}{"\\t"}{.status.containerStatuses[*].state}{"\\t"}{.status.containerStatuses[*].lastState}{"\\t"}{.status.conditions[?(@.type=="PodScheduled")].message}{"\\n"}{end}';

/**
 * Waits for the Deployments to roll out. A rollout that fails is reported with what its
 * pods say (phase, container state and last state: an image without the holder's command,
 * a pod not scheduled), read after the failure; that read's own failure is said instead.
 */
export async function waitForWorkloads(runner: Runner, api: ClusterApi, clientPod: boolean, options: WaitOptions = {}): Promise<void> {
  const rolloutMs = options.rolloutMs ?? 120_000;
  const deployments = [api.names.server, ...(clientPod ? [api.names.client] : [])];
  for (const d of deployments) {
    try {
      await runner.run(api.kubectl('-n', api.names.namespace, 'rollout', 'status', `deployment/${d}`, `--timeout=${Math.round(rolloutMs / 1000)}s`), {
        timeoutMs: rolloutMs + 15_000,
      });
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      const pods = await runner.run(api.kubectl('-n', api.names.namespace, 'get', 'pods', '-l', `app=${d}`, '-o', POD_STATES_JSONPATH), { check: false, timeoutMs: 60_000 });
      const said = pods.exitCode === 0 ? pods.stdout.trim().replaceAll('\t', ' ') || 'no pods' : `could not read them: ${pods.stderr.trim().split('\n').at(-1) ?? ''}`;
      error.message += `\n(pods of deployment/${d}: ${said.slice(0, 1500)})`;
      throw error;
    }
  }
}

/** Polls the Service's EndpointSlices until `serverIp` is ready; throws at the deadline naming what was seen. */
export async function waitForEndpoint(runner: Runner, api: ClusterApi, serverIp: string, options: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.endpointsMs ?? 60_000);
  const argv = api.kubectl('-n', api.names.namespace, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${api.names.service}`, '-o', ENDPOINTS_JSONPATH);
  let seen: string[] = [];
  for (;;) {
    seen = readyEndpoints((await runner.run(argv)).stdout);
    if (seen.includes(serverIp)) return;
    if (Date.now() >= deadline) break;
    await sleep(options.pollMs ?? 1000);
  }
  throw new Error(
    `failed to wait for the endpoints of service ${api.names.service}: ${serverIp} is not ready after ${options.endpointsMs ?? 60_000} ms (ready: ${seen.join(', ') || 'none'})`,
  );
}

/** The Service's ClusterIP. */
export async function serviceClusterIp(runner: Runner, api: ClusterApi): Promise<string> {
  const out = await runner.run(api.kubectl('-n', api.names.namespace, 'get', 'service', api.names.service, '-o', 'jsonpath={.spec.clusterIP}'));
  const ip = out.stdout.trim();
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) throw new Error(`failed to read the ClusterIP of ${api.names.service}: got "${ip}"`);
  return ip;
}

/** jsonpath printing `name<TAB>node<TAB>podIP<TAB>phase` per pod. */
const PODS_JSONPATH = 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\t"}{.status.podIP}{"\\t"}{.status.phase}{"\\n"}{end}';

/**
 * The one Running pod labelled `app=<app>` in the run's namespace, which must run on `node`:
 * its name and IP. Throws naming what it found otherwise. `timeoutMs`: the Runner's default when absent.
 */
export async function runningPodOn(runner: Runner, api: ClusterApi, app: string, node: string, timeoutMs?: number): Promise<{ name: string; ip: string }> {
  const out = await runner.run(api.kubectl('-n', api.names.namespace, 'get', 'pods', '-l', `app=${app}`, '-o', PODS_JSONPATH), timeoutMs ? { timeoutMs } : {});
  const pods = parseTabLines(out.stdout, ['name', 'node', 'ip', 'phase'], `pods of ${app}`).filter((p) => p.phase === 'Running');
  const pod = pods[0];
  if (pods.length !== 1 || !pod) throw new Error(`failed to locate ${app}: expected one Running pod, found ${pods.length}`);
  if (pod.node !== node) throw new Error(`failed to locate ${app}: its pod runs on ${pod.node}, not ${node}`);
  return { name: pod.name, ip: pod.ip };
}
