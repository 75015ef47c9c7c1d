/**
 * The kind lab's plan (pure: names, mode, image) and the steps that make it real, each
 * through the Runner: build and load our agent image, create or reuse the cluster, read
 * what kube-proxy reports, apply the workloads and wait for them. `provider.ts` runs the
 * steps in order and registers every undo on its CleanupStack at birth.
 */
import type { ContainerEngine } from '../../containers/engine.js';
import { UnsupportedError } from '../../errors.js';
import type { Runner } from '../../exec/runner.js';
import type { LabTopology } from '../topology.js';
import { kindClusterConfig, kindContext, kindNodeNames, type KindNodeNames, type KubeProxyMode } from './config.js';
import { workloadNames } from '../cluster/manifests.js';
import { KUBE_PROXY_PODS_JSONPATH, parseKubeProxyConfig, parseKubeProxyPods, parseProxierFromLogs } from '../cluster/parse-kube-proxy.js';
import { parseCrictlInspectp, parseCtrTasks, parseKindClusters } from './parse-runtime.js';
import { runningPodOn, type ClusterApi } from '../cluster/workloads.js';

/** The agent image built from docker/Dockerfile when no other is given. */
export const DEFAULT_AGENT_IMAGE = 'resetlab-agent:local';
/** The cluster name used with keepCluster when none is given (so later runs find it again). */
export const DEFAULT_KEPT_CLUSTER = 'resetlab';

/** Everything named before anything is created. */
export interface KindPlan {
  prefix: string;
  cluster: string;
  keep: boolean;
  nodes: KindNodeNames;
  mode: KubeProxyMode;
  modeReason: string;
  image: string;
  /** Build `image` from docker/Dockerfile (false when the caller named a prebuilt image). */
  buildImage: boolean;
  nodeImage?: string;
  /**
   * Set when `nodeImage` is resetlab's offline node image (harness/kind-image, found by name
   * in its cache): no kindnet (the driver installs the pod network, cni.ts), kubeadm told
   * the etcd image it carries and given longer to start the control plane (guests under TCG),
   * and the agent image built without a registry.
   */
  offlineImage?: OfflineNodeImage;
  names: ReturnType<typeof workloadNames>;
}

/** What the driver must know about resetlab's offline node image. */
export interface OfflineNodeImage {
  /** Its cache key (harness/kind-image/spec.ts). */
  key: string;
  /** The etcd image it carries, `repo/etcd:tag` (Debian's etcd, not kubeadm's default). */
  etcdImage: string;
}

/**
 * kubeadm merge patches for the offline image (pure): its etcd image; 15 min for the control
 * plane; and no leader election for the controller-manager and scheduler (one control plane:
 * nothing to elect; measured in a 6.1 TCG guest, a slow apiserver made the controller-manager
 * lose its lease and restart, adding load while workers joined); and a node-monitor grace of
 * 10 min instead of 40 s, so a kubelet whose status update is late on an emulated node is not
 * marked NotReady, tainted and its pods evicted in the middle of a scenario.
 */
export function offlineKubeadmPatches(image: OfflineNodeImage): string[] {
  const m = /^(.+)\/etcd:(.+)$/.exec(image.etcdImage);
  if (!m) throw new Error(`failed to use the offline node image ${image.key}: etcd image "${image.etcdImage}" is not repo/etcd:tag`);
  return [
    `kind: ClusterConfiguration\napiServer:\n  timeoutForControlPlane: 15m0s\ncontrollerManager:\n  extraArgs:\n    leader-elect: "false"\n    node-monitor-grace-period: 10m0s\nscheduler:\n  extraArgs:\n    leader-elect: "false"\netcd:\n  local:\n    imageRepository: ${m[1]}\n    imageTag: "${m[2]}"\n`,
  ];
}

/** Builds the plan. Pure. The cluster is `<prefix>` (deleted at the end) unless kept or named. */
export function kindPlan(o: {
  prefix: string;
  topology: LabTopology;
  clusterName?: string;
  keepCluster?: boolean;
  nodeImage?: string;
  kubeProxyMode?: KubeProxyMode;
  agentImage?: string;
  offlineImage?: OfflineNodeImage;
}): KindPlan {
  const keep = o.keepCluster === true;
  const cluster = o.clusterName ?? (keep ? DEFAULT_KEPT_CLUSTER : o.prefix);
  const mode = o.kubeProxyMode ?? (o.topology.proxyMode === 'auto' ? 'ipvs' : o.topology.proxyMode);
  const modeReason = o.kubeProxyMode
    ? `kubeProxyMode ${mode} asked for the kind driver`
    : o.topology.proxyMode === 'auto'
      ? 'auto: the kind driver runs kube-proxy in IPVS mode'
      : `requested ${mode}`;
  return {
    prefix: o.prefix,
    cluster,
    keep,
    // The offline image runs in a guest under emulation: two nodes (node B is the control plane) instead of three.
    nodes: kindNodeNames(cluster, o.offlineImage ? 1 : 2),
    mode,
    modeReason,
    image: o.agentImage ?? DEFAULT_AGENT_IMAGE,
    buildImage: o.agentImage === undefined,
    ...(o.nodeImage ? { nodeImage: o.nodeImage } : {}),
    ...(o.offlineImage ? { offlineImage: o.offlineImage } : {}),
    names: workloadNames(o.prefix),
  };
}

/** `kubectl --context kind-<cluster> ...args`. */
export function kubectl(plan: KindPlan, ...args: string[]): string[] {
  return ['kubectl', '--context', kindContext(plan.cluster), ...args];
}

/** The plan as the shared cluster code sees it. Pure. */
export function kindApi(plan: KindPlan): ClusterApi {
  return { kubectl: (...args) => kubectl(plan, ...args), names: plan.names };
}

/** Whether the cluster exists (`kind get clusters`). */
export async function clusterExists(runner: Runner, plan: KindPlan): Promise<boolean> {
  return parseKindClusters((await runner.run(['kind', 'get', 'clusters'])).stdout).includes(plan.cluster);
}

/** Refuses to touch a cluster we would delete but did not create. Throws UnsupportedError (nothing created yet). */
export function refuseForeignCluster(plan: KindPlan): never {
  throw new UnsupportedError(
    `a kind cluster named "${plan.cluster}" already exists and would be deleted at the end: pass --keep-cluster to reuse it, or choose another --cluster name`,
  );
}

/**
 * `kind create cluster` from the generated config (stdin); kind removes a half-made cluster
 * itself unless kept (`--retain`). With the offline image, one retry; returns the attempts.
 * `nodeImage` replaces the plan's (the run's derived image, bakeAgentImage).
 */
export async function createCluster(runner: Runner, plan: KindPlan, masqueradeAll: boolean, onRetry?: (line: string) => void, nodeImage = plan.nodeImage): Promise<number> {
  const offline = plan.offlineImage;
  const config = kindClusterConfig({
    kubeProxyMode: plan.mode,
    masqueradeAll,
    ...(nodeImage ? { nodeImage } : {}),
    ...(offline ? { disableDefaultCNI: true, kubeadmPatches: offlineKubeadmPatches(offline), workers: 1 as const } : {}),
  });
  // Without kindnet no node is Ready until the driver installs the pod network: do not wait for it here.
  // --retain keeps a half-made cluster for debugging; with the offline image's retry kind must remove it instead.
  const argv = ['kind', 'create', 'cluster', '--name', plan.cluster, '--config', '-', '--wait', offline ? '0s' : '120s', ...(plan.keep && !offline ? ['--retain'] : [])];
  if (!offline) {
    await runner.run(argv, { input: config, timeoutMs: 600_000 });
    return 1;
  }
  // Under emulation kubeadm's 10 s client timeouts are sometimes missed (measured: a worker's
  // join failed patching its Node); kind removes the half-made cluster itself, so try once more.
  for (let attempt = 1; ; attempt++) {
    // Minutes under emulation: kind's own progress lines go to stderr as it prints them.
    const r = await runner.run(argv, { input: config, timeoutMs: 3_600_000, check: attempt >= 2, onLine: (line) => line.trim() && process.stderr.write(`  kind: ${line.trim()}\n`) });
    if (r.exitCode === 0) return attempt;
    const why = (r.stderr.split('\n').find((l) => l.startsWith('ERROR:')) ?? r.stderr.trim().split('\n').at(-1) ?? '').slice(0, 300);
    onRetry?.(`kind create cluster failed (${why}); trying once more`);
  }
}

/** Checks the cluster has the three nodes the lab needs (a reused cluster may not). */
export async function checkNodes(runner: Runner, plan: KindPlan): Promise<void> {
  const names = (await runner.run(['kind', 'get', 'nodes', '--name', plan.cluster])).stdout.split('\n').map((l) => l.trim());
  const missing = Object.values(plan.nodes).filter((n) => !names.includes(n));
  if (missing.length > 0) {
    throw new Error(`failed to use kind cluster "${plan.cluster}": nodes ${missing.join(', ')} are missing (the lab needs one control plane and ${plan.nodes.worker2 === plan.nodes.controlPlane ? 'one worker' : 'two workers'})`);
  }
}

/** Builds our agent image from docker/Dockerfile through the container layer (when planned; needs `dist/`, i.e. `npm run build`). */
export async function buildImage(engine: ContainerEngine, plan: KindPlan): Promise<void> {
  if (!plan.buildImage) return;
  // Offline (resetlab's node image): FROM scratch with this machine's node and tools; else docker/Dockerfile.
  await engine.buildImage(plan.image, plan.offlineImage ? 'local' : 'dockerfile');
}

/** Where a derived node image carries the agent image (node-files.ts imports it on every node at boot). */
export const EVERY_NODE_AGENT_ARCHIVE = '/kind/images/every-node/resetlab-agent.tar';

/** The run's node image: the offline one with the agent image inside, `<nodeImage>-<prefix>` (pure; needs plan.nodeImage). */
export function agentNodeImageName(plan: KindPlan): string {
  if (!plan.nodeImage) throw new Error('failed to name the run\'s node image: the plan has no node image');
  return `${plan.nodeImage}-${plan.prefix}`;
}

/** Its Dockerfile (pure): one layer, the archive `docker save` wrote as `resetlab-agent.tar` beside it. */
export function agentNodeImageDockerfile(nodeImage: string): string {
  return `FROM ${nodeImage}\nCOPY resetlab-agent.tar ${EVERY_NODE_AGENT_ARCHIVE}\n`;
}

/**
 * Derives the run's node image (agentNodeImageName) with our agent image inside, so each node
 * imports it at boot, before kubelet starts, and no `kind load` runs while the control plane
 * serves joins (measured in a 6.1 TCG guest: `kubectl apply` timed out while `kind load` kept
 * the control plane's node busy). `dir` is an empty scratch folder the caller removes; the
 * caller registers `docker rmi` of the name before calling. Returns the name.
 */
export async function bakeAgentImage(runner: Runner, plan: KindPlan, dir: string, writeFile: (path: string, text: string) => Promise<void>): Promise<string> {
  const name = agentNodeImageName(plan);
  await runner.run(['docker', 'save', '-o', `${dir}/resetlab-agent.tar`, plan.image], { timeoutMs: 600_000 });
  await writeFile(`${dir}/Dockerfile`, agentNodeImageDockerfile(plan.nodeImage!));
  await runner.run(['docker', 'build', '-q', '-t', name, dir], { timeoutMs: 900_000 });
  return name;
}

/** Whether this run derives its node image with the agent inside (a new cluster from the offline image), pure. */
export function bakesAgentImage(plan: KindPlan, exists: boolean): boolean {
  return plan.offlineImage !== undefined && plan.nodeImage !== undefined && !exists;
}

/** `docker rmi name`; an image that is not there counts as removed. */
export async function removeImage(runner: Runner, name: string): Promise<void> {
  const r = await runner.run(['docker', 'rmi', name], { check: false });
  if (r.exitCode !== 0 && !/No such image/i.test(r.stderr)) throw new Error(`failed to remove image ${name}: ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
}

/** Loads our agent image into every node of the cluster (pods use it with imagePullPolicy: Never). */
export async function loadImage(runner: Runner, plan: KindPlan): Promise<void> {
  await runner.run(['kind', 'load', 'docker-image', plan.image, '--name', plan.cluster], { timeoutMs: 600_000 });
}

/** What the cluster reports about kube-proxy. */
export interface KubeProxyFacts {
  mode: KubeProxyMode;
  masqueradeAll: boolean;
  tcpBeLiberal: boolean | null;
  /** Image tag of the kube-proxy pod on worker 1 (e.g. `v1.33.1`), or null. */
  version: string | null;
  image: string;
  /** The mode kube-proxy's own log says it runs on worker 1, or null when the log does not say. */
  loggedMode: KubeProxyMode | null;
}

/** Reads the ConfigMap, the pods and worker 1's kube-proxy log; throws when they contradict the plan. */
export async function readKubeProxy(runner: Runner, plan: KindPlan, masquerade: boolean): Promise<KubeProxyFacts> {
  const cm = await runner.run(kubectl(plan, '-n', 'kube-system', 'get', 'configmap', 'kube-proxy', '-o', 'jsonpath={.data.config\\.conf}'));
  const config = parseKubeProxyConfig(cm.stdout);
  const pods = parseKubeProxyPods(
    (await runner.run(kubectl(plan, '-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-proxy', '-o', `jsonpath=${KUBE_PROXY_PODS_JSONPATH}`))).stdout,
  );
  const pod = pods.find((p) => p.node === plan.nodes.worker);
  if (!pod) throw new Error(`failed to find kube-proxy on ${plan.nodes.worker}`);
  const logs = await runner.run(kubectl(plan, '-n', 'kube-system', 'logs', pod.name, '--tail=-1'), { check: false, timeoutMs: 60_000 });
  const loggedMode = parseProxierFromLogs(logs.stdout + logs.stderr);
  const problems: string[] = [];
  if (config.mode !== plan.mode) problems.push(`kube-proxy is configured for ${config.mode}, not ${plan.mode}`);
  if (loggedMode && loggedMode !== config.mode) problems.push(`kube-proxy logs "Using ${loggedMode} Proxier" although configured for ${config.mode}`);
  if (config.masqueradeAll !== masquerade) problems.push(`kube-proxy masqueradeAll is ${config.masqueradeAll}, the scenario asks masquerade: ${masquerade}`);
  if (problems.length > 0) {
    throw new UnsupportedError(
      `kind cluster "${plan.cluster}" does not match the scenario: ${problems.join('; ')}; delete it (kind delete cluster --name ${plan.cluster}) or use another --cluster name`,
    );
  }
  return { mode: config.mode, masqueradeAll: config.masqueradeAll, tcpBeLiberal: config.tcpBeLiberal, version: pod.version, image: pod.image, loggedMode };
}

/** Which of `tools` the node image has (`command -v`), probed once in one node. */
export async function probeNodeTools(runner: Runner, container: string, tools: readonly string[]): Promise<Set<string>> {
  const script = `for t in ${tools.join(' ')}; do command -v "$t" >/dev/null 2>&1 && echo "$t"; done; true`;
  const out = await runner.run(['docker', 'exec', container, 'sh', '-c', script]);
  return new Set(out.stdout.split('\n').map((l) => l.trim()).filter((l) => tools.includes(l)));
}

/** A pod of the run, located: where it runs and its network namespace inside the node. */
export interface LocatedPod {
  name: string;
  node: string;
  ip: string;
  netnsPath: string;
}

/**
 * Finds the one Running pod of `deployment` on `node` and its sandbox's network namespace:
 * with crictl in the node (kindest/node images), or with containerd's own ctr where the node
 * has no crictl (the sandbox container's labels name the pod; its task's pid is the pause
 * process).
 */
export async function locatePod(runner: Runner, plan: KindPlan, deployment: string, node: string, cli: 'crictl' | 'ctr' = 'crictl'): Promise<LocatedPod> {
  const pod = await runningPodOn(runner, kindApi(plan), deployment, node);
  if (cli === 'ctr') {
    const filter = `labels."io.kubernetes.pod.name"==${pod.name},labels."io.kubernetes.pod.namespace"==${plan.names.namespace},labels."io.cri-containerd.kind"==sandbox`;
    const sandboxes = (await runner.run(['docker', 'exec', node, 'ctr', '-n', 'k8s.io', 'containers', 'ls', '-q', filter])).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    const tasks = parseCtrTasks((await runner.run(['docker', 'exec', node, 'ctr', '-n', 'k8s.io', 'tasks', 'ls'])).stdout);
    const running = sandboxes.map((id) => tasks.get(id)).filter((t) => t?.status === 'RUNNING');
    if (running.length !== 1) throw new Error(`failed to locate ${deployment}: ctr on ${node} lists ${running.length} running sandboxes for pod ${pod.name}`);
    return { name: pod.name, node, ip: pod.ip, netnsPath: `/proc/${running[0]!.pid}/ns/net` };
  }
  const ids = await runner.run(['docker', 'exec', node, 'crictl', 'pods', '--namespace', plan.names.namespace, '--name', pod.name, '--state', 'ready', '-q']);
  const id = ids.stdout.split('\n').map((l) => l.trim()).find((l) => l !== '');
  if (!id) throw new Error(`failed to locate ${deployment}: crictl on ${node} lists no ready sandbox for pod ${pod.name}`);
  const sandbox = parseCrictlInspectp((await runner.run(['docker', 'exec', node, 'crictl', 'inspectp', id])).stdout);
  if (sandbox.ip && sandbox.ip !== pod.ip) throw new Error(`failed to locate ${deployment}: crictl reports ${sandbox.ip}, kubectl ${pod.ip}`);
  return { name: pod.name, node, ip: pod.ip, netnsPath: sandbox.netnsPath };
}
