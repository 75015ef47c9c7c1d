/**
 * Applying the run's workloads (manifests.ts) with `kubectl apply -f -` and waiting until
 * they serve: `kubectl rollout status` with a timeout per Deployment, then the Service's
 * EndpointSlice must list the server pod as ready (polled until an explicit deadline), so
 * kube-proxy has a backend for the ClusterIP before the first arm starts.
 */
import type { Runner } from '../../exec/runner.js';
import { kindManifests, manifestsYaml } from './manifests.js';
import { parseTabLines } from './parse-runtime.js';
import { kubectl, type KindPlan } from './provision.js';

/** Timeouts of the waits (ms); defaults suit a fresh kind cluster on a small machine. */
export interface WaitOptions {
  /** For nodes to get podCIDRs and turn Ready after the driver's pod network (offline node image). */
  nodesMs?: number;
  rolloutMs?: number;
  endpointsMs?: number;
  /** Poll interval for the endpoints (tests set 0). */
  pollMs?: number;
}

/** Applies the Namespace, Deployments and Service (stdin YAML); `progressDeadlineSeconds` goes to the Deployments when given. */
export async function applyWorkloads(
  runner: Runner,
  plan: KindPlan,
  ports: { servicePort: number; serverPort: number },
  clientPod: boolean,
  progressDeadlineSeconds?: number,
): Promise<void> {
  const yaml = manifestsYaml(
    kindManifests({
      prefix: plan.prefix,
      image: plan.image,
      clientNode: plan.nodes.worker,
      serverNode: plan.nodes.worker2,
      servicePort: ports.servicePort,
      serverPort: ports.serverPort,
      clientPod,
      ...(plan.nodes.worker2 === plan.nodes.controlPlane ? { tolerateControlPlane: true } : {}),
      ...(progressDeadlineSeconds ? { progressDeadlineSeconds } : {}),
    }),
  );
  await runner.run(kubectl(plan, 'apply', '-f', '-'), { input: yaml, timeoutMs: 120_000 });
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

/** Each pod of a Deployment: name, node, phase, and its containers' state and last state (kubectl's JSON). */
export const POD_STATES_JSONPATH =
  'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\t"}{.status.phase}{"\\t"}{.status.containerStatuses[*].state}{"\\t"}{.status.containerStatuses[*].lastState}{"\\n"}{end}';

/**
 * Waits for the Deployments to roll out. A rollout that fails is reported with what its
 * pods say (phase, container state and last state: an image without the holder's command,
 * a pod not scheduled), read after the failure; that read's own failure is said instead.
 */
export async function waitForWorkloads(runner: Runner, plan: KindPlan, clientPod: boolean, options: WaitOptions = {}): Promise<void> {
  const rolloutMs = options.rolloutMs ?? 120_000;
  const deployments = [plan.names.server, ...(clientPod ? [plan.names.client] : [])];
  for (const d of deployments) {
    try {
      await runner.run(kubectl(plan, '-n', plan.names.namespace, 'rollout', 'status', `deployment/${d}`, `--timeout=${Math.round(rolloutMs / 1000)}s`), {
        timeoutMs: rolloutMs + 15_000,
      });
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      const pods = await runner.run(kubectl(plan, '-n', plan.names.namespace, 'get', 'pods', '-l', `app=${d}`, '-o', POD_STATES_JSONPATH), { check: false, timeoutMs: 60_000 });
      const said = pods.exitCode === 0 ? pods.stdout.trim().replaceAll('\t', ' ') || 'no pods' : `could not read them: ${pods.stderr.trim().split('\n').at(-1) ?? ''}`;
      error.message += `\n(pods of deployment/${d}: ${said.slice(0, 1500)})`;
      throw error;
    }
  }
}

/** Polls the Service's EndpointSlices until `serverIp` is ready; throws at the deadline naming what was seen. */
export async function waitForEndpoint(runner: Runner, plan: KindPlan, serverIp: string, options: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.endpointsMs ?? 60_000);
  const argv = kubectl(plan, '-n', plan.names.namespace, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${plan.names.service}`, '-o', ENDPOINTS_JSONPATH);
  let seen: string[] = [];
  for (;;) {
    seen = readyEndpoints((await runner.run(argv)).stdout);
    if (seen.includes(serverIp)) return;
    if (Date.now() >= deadline) break;
    await sleep(options.pollMs ?? 1000);
  }
  throw new Error(
    `failed to wait for the endpoints of service ${plan.names.service}: ${serverIp} is not ready after ${options.endpointsMs ?? 60_000} ms (ready: ${seen.join(', ') || 'none'})`,
  );
}

/** The Service's ClusterIP. */
export async function serviceClusterIp(runner: Runner, plan: KindPlan): Promise<string> {
  const out = await runner.run(kubectl(plan, '-n', plan.names.namespace, 'get', 'service', plan.names.service, '-o', 'jsonpath={.spec.clusterIP}'));
  const ip = out.stdout.trim();
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) throw new Error(`failed to read the ClusterIP of ${plan.names.service}: got "${ip}"`);
  return ip;
}

/** A node container's address on the kind network (the node IP). */
export async function nodeIp(runner: Runner, container: string): Promise<string> {
  const out = await runner.run(['docker', 'inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', container]);
  const ip = out.stdout.trim().split(/\s+/).find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
  if (!ip) throw new Error(`failed to read the IPv4 address of ${container}: got "${out.stdout.trim()}"`);
  return ip;
}
