/**
 * The kube driver's lab: the scenario on two nodes of a cluster the user has. Roles: node-a =
 * node A (the client's node, where conntrack judges the replies; the node agent's pod), node-b
 * = node B (no agent: nothing there is read or changed), server = the server pod on node B,
 * client = the client pod on node A (or node A itself for `client: node`).
 *
 * Everything lives in one namespace named after the run's prefix and labelled with it
 * (`resetlab.prefix`, Pod Security `privileged`; never an existing namespace). What is
 * changed on node A (the evidence table, a masquerade or INVALID-drop rule of ours, the
 * sysctls) is undone by `destroy()`, each undo registered the moment its change exists; the
 * namespace goes last, and deleting it makes the node agent restore the sysctls again if the
 * harness could not (cluster/node-agent.ts).
 */
import { hostname } from 'node:os';
import { UnsupportedError } from '../../errors.js';
import { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner, RunOptions, RunResult } from '../../exec/runner.js';
import { evidenceComments, evidenceRules, evidenceTable } from '../evidence.js';
import type { DataPlane, Lab, LabAddresses, LabNode, NodeRole } from '../lab.js';
import { claimPrefix } from '../owner.js';
import type { LabTopology } from '../topology.js';
import { clusterManifests, manifestsYaml, PREFIX_LABEL, workloadNames, type WorkloadSpec } from '../cluster/manifests.js';
import { nodeAgentPod } from '../cluster/node-agent.js';
import { applyObjects, runningPodOn, serviceClusterIp, waitForEndpoint, waitForWorkloads, type WaitOptions } from '../cluster/workloads.js';
import { dataPlaneSummary, invalidDropArgv, invalidDropTable, nftInvalidDrop, type NodeRuleOutputs } from '../kind/dataplane.js';
import { kubeApi, type KubeTarget } from './api.js';
import type { ClusterKubeProxy } from './discover.js';
import { cniFromConfDir, firstCniConf, type ClusterNode } from './facts.js';
import { KubeNodeAgent, KubePodNode, POD_SCRATCH_DIR, probeHostTools, type KubeNodeContext } from './node.js';
import type { NodeChoice } from './preflight.js';
import type { PodCpuRequest } from './flags.js';
import { annotateNamespace, KubeSysctls } from './sysctls.js';

/** Annotations on the run's namespace. */
export const OWNER_ANNOTATION = 'resetlab.io/owner';

/** What the driver learned before the lab (discover.ts, preflight.ts), shared by every scenario of the run. */
export interface KubeCluster {
  target: KubeTarget & { server: string | null };
  serverVersion: string;
  nodes: NodeChoice;
  kubeProxy: ClusterKubeProxy;
  /** The pods' image and its pull policy. */
  image: string;
  pullPolicy: 'Never' | 'IfNotPresent' | 'Always';
  /** What the pods request (`--cpu-request`); null: no request (BestEffort). */
  cpuRequest: PodCpuRequest | null;
}

/** Options for `provisionKubeLab`. */
export interface KubeLabOptions {
  prefix: string;
  topology: LabTopology;
  runner: Runner;
  cluster: KubeCluster;
  /** `--kube-proxy-mode`: the mode the user says the cluster runs (refused when it does not). */
  expectMode?: string;
  /** The node agent's lifetime (s): at least the run's upper bound. */
  agentLifetimeSec: number;
  wait?: WaitOptions;
  /** Deadline of node commands that name none (node.ts KubeNodeContext). */
  execTimeoutMs?: number;
  say?: (line: string) => void;
}

/** The Pod Security labels of the run's namespace (the node agent is privileged). */
export const POD_SECURITY_LABELS = {
  'pod-security.kubernetes.io/enforce': 'privileged',
  'pod-security.kubernetes.io/warn': 'privileged',
  'pod-security.kubernetes.io/audit': 'privileged',
} as const;

/** Every object of one run, in apply order (pure): the Namespace, the node agent, the workloads. */
export function kubeRunObjects(o: { prefix: string; topology: LabTopology; cluster: KubeCluster; agentLifetimeSec: number }): Record<string, unknown>[] {
  const { cluster } = o;
  const spec: WorkloadSpec = {
    prefix: o.prefix,
    image: cluster.image,
    clientNode: cluster.nodes.a.name,
    serverNode: cluster.nodes.b.name,
    servicePort: o.topology.servicePort,
    serverPort: o.topology.serverPort,
    clientPod: o.topology.client === 'pod',
    tolerations: { server: cluster.nodes.tolerations.b, client: cluster.nodes.tolerations.a },
    pin: 'node-name',
    pullPolicy: cluster.pullPolicy,
    // The agents run by `kubectl exec` in the holders: the injector needs NET_RAW, the client's evidence table NET_ADMIN.
    capabilities: ['NET_RAW', 'NET_ADMIN'],
    scratchDir: POD_SCRATCH_DIR,
    ...(cluster.cpuRequest ? { cpuRequest: cluster.cpuRequest.serverAndClient } : {}),
    namespaceLabels: { ...POD_SECURITY_LABELS },
    namespaceAnnotations: { [OWNER_ANNOTATION]: `${hostname()}/${process.pid}`, 'resetlab.io/context': cluster.target.context },
  };
  const [namespace, ...workloads] = clusterManifests(spec);
  const agent = nodeAgentPod({ prefix: o.prefix, image: cluster.image, node: cluster.nodes.a.name, pullPolicy: cluster.pullPolicy, lifetimeSec: o.agentLifetimeSec, tolerations: cluster.nodes.tolerations.a, ...(cluster.cpuRequest ? { cpuRequest: cluster.cpuRequest.nodeAgent } : {}) });
  return [namespace!, agent, ...workloads];
}

/** How the scenario's masquerade is made on this cluster (pure): kube-proxy's own, a rule of ours, or refused. */
export function masqueradePlan(wanted: boolean, masqueradeAll: boolean | null): { by: 'kube-proxy' | 'resetlab' | 'none' } | { refuse: string } {
  if (!wanted) return masqueradeAll === true ? { refuse: 'kube-proxy on this cluster masquerades all Service traffic (masqueradeAll: true), so a path without masquerade cannot run here' } : { by: 'none' };
  return masqueradeAll === true ? { by: 'kube-proxy' } : { by: 'resetlab' };
}

/** iptables argv adding or deleting our masquerade of the client pod's traffic to the server pod (node A's nat POSTROUTING). Pure. */
export function masqueradeArgv(action: 'add' | 'delete', a: { clientIp: string; serverIp: string; serverPort: number; comment: string }): string[] {
  const spec = ['-s', `${a.clientIp}/32`, '-d', `${a.serverIp}/32`, '-p', 'tcp', '--dport', String(a.serverPort), '-m', 'comment', '--comment', a.comment, '-j', 'MASQUERADE'];
  return action === 'add' ? ['iptables', '-w', '-t', 'nat', '-I', 'POSTROUTING', '1', ...spec] : ['iptables', '-w', '-t', 'nat', '-D', 'POSTROUTING', ...spec];
}

/** Node B: resetlab runs nothing there on a cluster the user has. */
class AbsentNode implements LabNode {
  readonly role = 'node-b' as const;
  constructor(readonly id: string) {}
  exec(_argv: readonly string[], _options?: RunOptions): Promise<RunResult> {
    return Promise.reject(new Error(`failed to run a command on node B (${this.id}): the kube driver has no agent there`));
  }
  wrap(_argv: readonly string[]): string[] {
    throw new Error(`failed to wrap a command for node B (${this.id}): the kube driver has no agent there`);
  }
}

/** A provisioned kube lab (see module doc). */
export class KubeLab implements Lab {
  readonly driver = 'kube' as const;
  readonly nodeRoles: readonly NodeRole[] = ['node-a'];
  readonly counterRules: { invalidDrop: string; leak: string; natted: string };
  readonly evidenceRoles: readonly NodeRole[];
  constructor(
    readonly prefix: string,
    readonly dataPlane: DataPlane,
    readonly addresses: LabAddresses,
    readonly nodes: Record<NodeRole, LabNode>,
    /** Node A's kernel (`kernelVersion` of its Node). */
    readonly kernel: string,
    private readonly sysctls: KubeSysctls,
    private readonly cleanup: CleanupStack,
  ) {
    this.counterRules = evidenceComments(prefix);
    this.evidenceRoles = nodes.client === nodes['node-a'] ? ['node-a'] : ['client', 'node-a'];
  }

  setSysctls(roles: readonly NodeRole[], values: Record<string, number>) {
    return this.sysctls.set(roles, values);
  }

  readSysctls(roles: readonly NodeRole[], keys: readonly string[]) {
    return this.sysctls.read(roles, keys);
  }

  /** Deletes node A's conntrack entries of this run's addresses only (the node's other connections are left alone). */
  async flushConntrack(): Promise<void> {
    const a = this.nodes['node-a'];
    const { vip, serverIp, clientIp } = this.addresses;
    // conntrack -D exits 1 when nothing matched.
    for (const filter of [['--orig-dst', vip], ['--orig-dst', serverIp], ['--orig-src', clientIp, '--orig-dst', serverIp]]) {
      await a.exec(['conntrack', '-D', '-p', 'tcp', ...filter], { check: false, timeoutMs: 60_000 });
    }
  }

  /** node A's INVALID rules and, in IPVS mode, the run's virtual server (read-only). */
  async dataPlaneRules(): Promise<Record<string, string[]>> {
    const a = this.nodes['node-a'];
    const mode = this.dataPlane.proxyMode;
    const read = async (argv: string[]) => (await a.exec(argv, { check: false, timeoutMs: 60_000 })).stdout;
    const outputs: NodeRuleOutputs = { iptablesSave: await read(['iptables-save', '-t', 'filter']) };
    if (mode === 'nftables') outputs.nftRuleset = await read(['nft', 'list', 'ruleset']);
    if (mode === 'ipvs') outputs.ipvsadm = await read(['ipvsadm', '-Ln']);
    return { [`node-a (${a.id})`]: dataPlaneSummary(outputs, mode, this.addresses.vip, this.addresses.servicePort) };
  }

  destroy(): Promise<string[]> {
    return this.cleanup.unwind();
  }
}

/** The CNI node A's kubelet uses (first file of /etc/cni/net.d), or null when it cannot be told. */
async function readCni(agent: KubeNodeAgent): Promise<ReturnType<typeof cniFromConfDir>> {
  const ls = await agent.exec(['sh', '-c', 'ls -1 /etc/cni/net.d 2>/dev/null || true'], { check: false, timeoutMs: 60_000 });
  const files = ls.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = firstCniConf(files);
  const text = first ? (await agent.exec(['cat', `/etc/cni/net.d/${first}`], { check: false, timeoutMs: 60_000 })).stdout : null;
  return cniFromConfDir(files, () => text);
}

/** Facts of a node for the report. Pure. */
function nodeFacts(n: ClusterNode) {
  return { name: n.name, kernel: n.kernelVersion, kubelet: n.kubeletVersion, os: n.osImage, runtime: n.containerRuntime };
}

/**
 * Provisions the lab (see module doc). Before anything is created it refuses (exit 2) a
 * cluster whose kube-proxy mode cannot be told or is not the one asked, and a path that
 * cannot run there. On failure everything created so far is removed and the error rethrown.
 */
export async function provisionKubeLab(o: KubeLabOptions): Promise<KubeLab> {
  const { prefix, topology, runner, cluster } = o;
  const say = o.say ?? (() => undefined);
  const kp = cluster.kubeProxy;
  if (!kp.mode) throw new UnsupportedError(`cannot tell kube-proxy's mode on node ${cluster.nodes.a.name} (${kp.unknown.join('; ')}); resetlab's verdicts depend on it`);
  if (o.expectMode !== undefined && o.expectMode !== kp.mode) throw new UnsupportedError(`--kube-proxy-mode ${o.expectMode} was asked, but kube-proxy on ${cluster.nodes.a.name} runs ${kp.mode} (the kube driver cannot change a cluster's kube-proxy)`);
  const masq = masqueradePlan(topology.masquerade, kp.masqueradeAll);
  if ('refuse' in masq) throw new UnsupportedError(masq.refuse);
  const names = workloadNames(prefix);
  const api = kubeApi(cluster.target, names);
  const [namespace, agentPod, ...workloads] = kubeRunObjects({ prefix, topology, cluster, agentLifetimeSec: o.agentLifetimeSec });
  // Other runs' namespaces present now (leftovers, or runs going on elsewhere): recorded, never touched.
  const listed = await runner.run(api.kubectl('get', 'namespaces', '-l', PREFIX_LABEL, '-o', 'jsonpath={.items[*].metadata.name}'), { timeoutMs: 60_000 });
  const otherRunNamespaces = listed.stdout.split(/\s+/).filter(Boolean);
  const cleanup = new CleanupStack();
  try {
    cleanup.push(`owner file of ${prefix}`, claimPrefix(prefix));
    // Deleting the namespace removes every object of the run; its node agent restores the sysctls on SIGTERM.
    cleanup.push(`namespace ${names.namespace}`, async () => {
      // Said first: the delete waits for every pod to stop (measured over 5 minutes in a 6.1 TCG guest).
      say(`resetlab: deleting namespace ${names.namespace} (waiting until its pods have stopped)`);
      await runner.run(api.kubectl('delete', 'namespace', names.namespace, '--wait=true', '--timeout=600s', '--ignore-not-found'), { timeoutMs: 660_000 });
    });
    await applyObjects(runner, api, [namespace!]);
    // Admission (Pod Security, PodSecurityPolicy, policy engines) answers before any pod exists.
    const dry = await runner.run(api.kubectl('apply', '--dry-run=server', '-f', '-'), { input: manifestsYaml([agentPod!, ...workloads]), check: false, timeoutMs: 120_000 });
    if (dry.exitCode !== 0) throw new UnsupportedError(`the cluster refuses resetlab's pods in namespace ${names.namespace}: ${dry.stderr.trim().split('\n').slice(0, 3).join(' ').slice(0, 600)}`);
    await applyObjects(runner, api, [agentPod!, ...workloads]);
    const waitSec = Math.round((o.wait?.rolloutMs ?? 300_000) / 1000);
    await runner.run(api.kubectl('-n', names.namespace, 'wait', '--for=condition=Ready', `pod/${names.nodeAgent}`, `--timeout=${waitSec}s`), { timeoutMs: waitSec * 1000 + 30_000 });
    const ctx: KubeNodeContext = { target: cluster.target, runner, sequence: { next: 0 }, say: (line) => say(`resetlab: ${line}`), ...(o.execTimeoutMs ? { execTimeoutMs: o.execTimeoutMs } : {}) };
    const agentRef = { namespace: names.namespace, pod: names.nodeAgent, container: 'agent' };
    const hostTools = await probeHostTools(new KubePodNode('node-a', agentRef, ctx));
    const nodeA = new KubeNodeAgent(agentRef, ctx, cluster.nodes.a.name, hostTools);
    const sysctls = new KubeSysctls(nodeA, (value) => annotateNamespace(runner, api.kubectl, names.namespace, 'resetlab.io/sysctls', value));
    cleanup.push(`sysctls changed on node ${cluster.nodes.a.name}`, async () => {
      for (const line of await sysctls.restore()) say(`resetlab: node ${cluster.nodes.a.name}: ${line}`);
    });
    const beLiberal = (await sysctls.read(['node-a'], ['net.netfilter.nf_conntrack_tcp_be_liberal']))['node-a']?.['net.netfilter.nf_conntrack_tcp_be_liberal'];
    if (beLiberal === 1) say(`resetlab: node ${cluster.nodes.a.name} already has nf_conntrack_tcp_be_liberal=1: as configured, this cluster does not reset; the baseline arm writes 0 and the value is restored afterwards`);

    const clientPod = topology.client === 'pod';
    await waitForWorkloads(runner, api, clientPod, o.wait ?? { rolloutMs: 300_000 });
    const server = await runningPodOn(runner, api, names.server, cluster.nodes.b.name, 60_000);
    const client = clientPod ? await runningPodOn(runner, api, names.client, cluster.nodes.a.name, 60_000) : null;
    await waitForEndpoint(runner, api, server.ip, o.wait ?? { endpointsMs: 120_000 });
    const vip = await serviceClusterIp(runner, api);
    const clientIp = client ? client.ip : (cluster.nodes.a.internalIP ?? '');
    if (!clientIp) throw new Error(`failed to read node ${cluster.nodes.a.name}'s InternalIP`);

    const serverNode = new KubePodNode('server', { namespace: names.namespace, pod: server.name, container: 'holder' }, ctx);
    const clientNode = client ? new KubePodNode('client', { namespace: names.namespace, pod: client.name, container: 'holder' }, ctx) : nodeA;
    const nodes: Record<NodeRole, LabNode> = { 'node-a': nodeA, 'node-b': new AbsentNode(cluster.nodes.b.name), server: serverNode, client: clientNode };

    const evidence = evidenceRules(prefix, { vip, servicePort: topology.servicePort, serverIp: server.ip, serverPort: topology.serverPort });
    // Each change on node A: its undo recorded in the node agent first (its trap undoes it if the
    // harness cannot), its cleanup registered, then the change.
    const undoable = async (what: string, undo: string[], change: () => Promise<unknown>) => {
      await nodeA.recordUndo(undo);
      cleanup.push(`${what} on node ${cluster.nodes.a.name}`, async () => void (await nodeA.exec(undo)));
      await change();
    };
    await undoable('evidence table', ['nft', 'delete', 'table', 'ip', evidenceTable(prefix)], () => nodeA.exec(['nft', '-f', '-'], { input: evidence }));
    // The client pod's table goes with the pod.
    if (client) await clientNode.exec(['nft', '-f', '-'], { input: evidence });
    if (masq.by === 'resetlab' && client) {
      const rule = { clientIp: client.ip, serverIp: server.ip, serverPort: topology.serverPort, comment: `${prefix}-masquerade` };
      await undoable('masquerade rule', masqueradeArgv('delete', rule), () => nodeA.exec(masqueradeArgv('add', rule)));
    }
    if (topology.dropInvalid === true) {
      const comment = evidenceComments(prefix).invalidDrop;
      if (kp.mode === 'nftables') {
        await undoable('INVALID drop', ['nft', 'delete', 'table', 'ip', invalidDropTable(prefix)], () => nodeA.exec(['nft', '-f', '-'], { input: nftInvalidDrop(prefix, comment) }));
      } else {
        await undoable('INVALID drop', invalidDropArgv('delete', comment), () => nodeA.exec(invalidDropArgv('add', comment)));
      }
    }
    const cni = await readCni(nodeA);
    const dataPlane: DataPlane = {
      proxyMode: kp.mode,
      reason:
        `the cluster's own kube-proxy (context ${cluster.target.context}): ${kp.version ?? kp.image ?? 'version unknown'}` +
        (kp.configuredMode ? ` configured for ${kp.configuredMode}` : '') +
        (kp.loggedMode ? ` and logging "Using ${kp.loggedMode} Proxier"` : '; its log does not say which proxier runs'),
      knobs: {
        servicePort: topology.servicePort,
        serverPort: topology.serverPort,
        masquerade: topology.masquerade,
        masqueradeBy: masq.by === 'resetlab' ? (client ? `resetlab's MASQUERADE rule on node A (kube-proxy masqueradeAll is ${kp.masqueradeAll})` : 'none: the client is node A itself') : masq.by,
        dropInvalid: topology.dropInvalid === true,
        client: topology.client,
        context: cluster.target.context,
        server: cluster.target.server,
        serverVersion: cluster.serverVersion,
        nodeA: nodeFacts(cluster.nodes.a),
        nodeB: nodeFacts(cluster.nodes.b),
        nodesChosen: cluster.nodes.how,
        kubeProxyVersion: kp.version,
        kubeProxyImage: kp.image,
        kubeProxyConfiguredMode: kp.configuredMode,
        kubeProxyLoggedMode: kp.loggedMode,
        kubeProxyMasqueradeAll: kp.masqueradeAll,
        kubeProxyTcpBeLiberal: kp.tcpBeLiberal,
        ...(kp.unknown.length > 0 ? { kubeProxyUnknown: kp.unknown } : {}),
        cni: cni ? { file: cni.file, name: cni.name, plugins: cni.plugins } : null,
        nodeABeLiberalBefore: beLiberal ?? null,
        agentImage: cluster.image,
        podCpuRequest: cluster.cpuRequest,
        otherRunNamespaces,
        nodeHostTools: [...hostTools].sort(),
      },
    };
    const addresses: LabAddresses = { vip, servicePort: topology.servicePort, serverIp: server.ip, serverPort: topology.serverPort, clientIp };
    return new KubeLab(prefix, dataPlane, addresses, nodes, cluster.nodes.a.kernelVersion ?? 'unknown', sysctls, cleanup);
  } catch (error) {
    const problems = await cleanup.unwind();
    if (problems.length > 0 && error instanceof Error) error.message += `\n(cleanup after the failure also reported: ${problems.join('; ')})`;
    throw error;
  }
}
