/**
 * The kind driver: a real Kubernetes cluster (kind, kube-proxy in IPVS mode unless asked
 * otherwise, one control plane + two workers). Roles: node-a = worker 1 (the client's node,
 * where kube-proxy's data plane and conntrack act on the replies), node-b = worker 2,
 * server = the server pod's network namespace on worker 2, client = the client pod's on
 * worker 1 (or worker 1 itself for `client: node`). Every undo is registered on the lab's
 * CleanupStack the moment its resource exists; a failed provision removes what it made
 * (the cluster too, unless kept) and rethrows. `destroy()` removes the agent containers
 * (toolboxes through their handles, then a sweep by label), the run's namespace and rules
 * in a kept cluster, or the whole cluster. Agents are stopped by whoever started them.
 */
import { UnsupportedError } from '../../errors.js';
import { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner } from '../../exec/runner.js';
import { evidenceComments, evidenceRules, evidenceTable } from '../evidence.js';
import type { DataPlane, Lab, LabAddresses, NodeRole } from '../lab.js';
import { claimPrefix, ownerDir } from '../owner.js';
import type { LabTopology } from '../topology.js';
import { testcontainersEngine, type ContainerEngine } from '../../containers/engine.js';
import { deleteCluster, deleteRunNamespace, removeRunContainers } from './cleanup.js';
import type { KubeProxyMode } from './config.js';
import { dataPlaneSummary, invalidDropArgv, invalidDropTable, nftInvalidDrop, type NodeRuleOutputs } from './dataplane.js';
import { KindContainer, type AgentContainers, type KindNode } from './node.js';
import { preparePlan, provisionSteps, type KindProvisioned } from './steps.js';
import { agentNodeImageName, bakesAgentImage, removeImage, type OfflineNodeImage } from './provision.js';
import { retryingKubectl } from '../cluster/kubectl-retry.js';
import { ClusterSysctls } from '../cluster/sysctls.js';
import type { WaitOptions } from '../cluster/workloads.js';

/** Options for `provisionKindLab` (same shape as `provisionNetnsLab`'s, plus the cluster's). */
export interface KindLabOptions {
  prefix: string;
  topology: LabTopology;
  runner: Runner;
  /** Cluster to create or reuse; default `<prefix>`, or `resetlab` with keepCluster. */
  clusterName?: string;
  /** Reuse the cluster if it exists, and never delete it (later runs and arms skip creation). */
  keepCluster?: boolean;
  /** kindest/node image (pins the Kubernetes version); kind's default when absent. */
  nodeImage?: string;
  /** kube-proxy mode; default ipvs (or the scenario's explicit proxyMode). */
  kubeProxyMode?: KubeProxyMode;
  /** A prebuilt agent image; default: build `resetlab-agent:local` from docker/Dockerfile. */
  agentImage?: string;
  /** `nodeImage` is resetlab's offline node image (provision.ts OfflineNodeImage). */
  offlineImage?: OfflineNodeImage;
  /** Wait timeouts (tests shorten them). */
  wait?: WaitOptions;
  /** The container layer (default: testcontainers; tests pass a FakeContainerEngine). */
  engine?: ContainerEngine;
}

/** A provisioned kind lab. */
export class KindLab implements Lab {
  readonly driver = 'kind' as const;
  readonly nodeRoles: readonly NodeRole[] = ['node-a', 'node-b'];
  readonly counterRules: { invalidDrop: string; leak: string; natted: string };
  readonly evidenceRoles: readonly NodeRole[];
  readonly prefix: string;
  readonly dataPlane: DataPlane;
  readonly addresses: LabAddresses;
  readonly nodes: Record<NodeRole, KindNode>;
  private readonly clusterNodes: { key: string; node: KindContainer }[];
  private readonly sysctls: ClusterSysctls;

  constructor(
    p: KindProvisioned,
    runner: Runner,
    private readonly cleanup: CleanupStack,
  ) {
    this.prefix = p.plan.prefix;
    this.dataPlane = p.dataPlane;
    this.addresses = p.addresses;
    this.nodes = p.nodes;
    this.counterRules = evidenceComments(this.prefix);
    this.evidenceRoles = p.nodes.client.id === p.nodes['node-a'].id ? ['node-a'] : ['client', 'node-a'];
    const controlPlane = new KindContainer({ container: p.plan.nodes.controlPlane }, runner, p.containers);
    // With one worker node B is the control plane: listed once.
    this.clusterNodes = [{ key: 'control-plane', node: controlPlane }, { key: 'node-a', node: p.nodes['node-a'] }, ...(p.plan.nodes.worker2 === p.plan.nodes.controlPlane ? [] : [{ key: 'node-b', node: p.nodes['node-b'] }])];
    this.sysctls = new ClusterSysctls(p.nodes, this.clusterNodes, p.plan.keep ? cleanup : null);
  }

  /** Sets sysctls on the roles' nodes and on every cluster node (control plane included); reads all back, throws on a mismatch. */
  setSysctls(roles: readonly NodeRole[], values: Record<string, number>) {
    return this.sysctls.set(roles, values);
  }

  /** Reads sysctls on the roles' nodes and every cluster node (`control-plane` key for the control plane). */
  readSysctls(roles: readonly NodeRole[], keys: readonly string[]) {
    return this.sysctls.read(roles, keys);
  }

  /** `conntrack -F` in every node container (an empty table is not an error). */
  async flushConntrack(): Promise<void> {
    await Promise.all(this.clusterNodes.map((c) => c.node.exec(['conntrack', '-F'], { check: false })));
  }

  /**
   * Which data-plane rules are present, per node (`<key> (<container>)`): INVALID rules in
   * iptables (kube-proxy's KUBE-FORWARD drop, ours), `ct state invalid` rules in nftables mode,
   * and in IPVS mode the virtual server of the run's Service. Read-only; call once per arm.
   */
  async dataPlaneRules(): Promise<Record<string, string[]>> {
    const mode = this.dataPlane.proxyMode;
    const out: Record<string, string[]> = {};
    await Promise.all(
      this.clusterNodes.map(async ({ key, node }) => {
        const read = async (argv: string[]) => (await node.exec(argv, { check: false, timeoutMs: 60_000 })).stdout;
        const outputs: NodeRuleOutputs = { iptablesSave: await read(['iptables-save', '-t', 'filter']) };
        if (mode === 'nftables') outputs.nftRuleset = await read(['nft', 'list', 'ruleset']);
        // ipvsadm runs from our agent image when the node image lacks it (node.ts).
        if (mode === 'ipvs') outputs.ipvsadm = await read(['ipvsadm', '-Ln']);
        out[`${key} (${node.id})`] = dataPlaneSummary(outputs, mode, this.addresses.vip, this.addresses.servicePort);
      }),
    );
    return out;
  }

  /** Removes everything the lab made (see module doc); returns problems instead of throwing. */
  destroy(): Promise<string[]> {
    return this.cleanup.unwind();
  }
}

/** Claims the run prefix; kind users are often not root, so an unwritable owner directory says what to do. */
function claimOwner(prefix: string): () => Promise<void> {
  try {
    return claimPrefix(prefix);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!['EACCES', 'EPERM', 'EROFS', 'ENOTDIR'].includes(code ?? '')) throw error;
    throw new UnsupportedError(
      `failed to record the run's owner file in ${ownerDir()} (${code}): run as root or set RESETLAB_RUN_DIR to a writable directory`,
      { cause: error },
    );
  }
}

/**
 * Provisions the kind lab. Checks the machine first (UnsupportedError, exit 2, nothing
 * created), refuses to adopt a same-named cluster unless kept, then creates or reuses the
 * cluster, loads our image, applies and waits for the workloads, locates the pods'
 * network namespaces and installs the evidence rules. On failure everything created so far
 * is removed (the cluster unless kept) and the error rethrown.
 */
export async function provisionKindLab(options: KindLabOptions): Promise<KindLab> {
  const { prefix, topology } = options;
  const { plan, exists } = await preparePlan(options);
  // In an emulated guest (the offline image) the API server sometimes does not answer in time: kubectl is retried.
  // Measured (r22d): 5 retries over 150 s were not enough for `kubectl apply` right after the worker joined; 10 wait up to 9 min.
  const runner = plan.offlineImage ? retryingKubectl(options.runner, { attempts: 11, say: (line) => process.stderr.write(`resetlab: ${line}\n`) }) : options.runner;
  const cleanup = new CleanupStack();
  try {
    cleanup.push(`owner file of ${prefix}`, claimOwner(prefix));
    // Registered before the cluster, so it is removed after it (docker refuses to remove an image its containers use).
    if (bakesAgentImage(plan, exists) && !plan.keep) cleanup.push(`node image ${agentNodeImageName(plan)}`, () => removeImage(runner, agentNodeImageName(plan)));
    if (!exists && !plan.keep) cleanup.push(`kind cluster ${plan.cluster}`, () => deleteCluster(runner, plan.cluster));
    const engine = options.engine ?? testcontainersEngine;
    const containers: AgentContainers = { prefix, image: plan.image, missingTools: new Set(), sequence: { next: 0 }, engine, toolboxes: new Map() };
    // Guests under TCG start pods in minutes, not seconds.
    const wait = plan.offlineImage ? { rolloutMs: 900_000, endpointsMs: 300_000, ...options.wait } : (options.wait ?? {});
    const p = await provisionSteps(runner, plan, exists, topology, wait, {
      // LIFO: at unwind the containers (running in the pods' namespaces) go before the namespace.
      workloadsMayExist: () => {
        if (plan.keep) cleanup.push(`namespace ${plan.names.namespace} in kept cluster ${plan.cluster}`, () => deleteRunNamespace(runner, plan.cluster, plan.names.namespace));
        cleanup.push(`containers labelled resetlab.prefix=${prefix}`, () => removeRunContainers(containers));
      },
      containers,
    });
    const nodeA = p.nodes['node-a'];
    const evidence = evidenceRules(prefix, { vip: p.addresses.vip, servicePort: topology.servicePort, serverIp: p.addresses.serverIp, serverPort: topology.serverPort });
    const evidenceNodes = p.nodes.client.id === nodeA.id ? [nodeA] : [p.nodes.client, nodeA];
    for (const n of evidenceNodes) await n.exec(['nft', '-f', '-'], { input: evidence });
    if (plan.keep) cleanup.push(`evidence table on ${nodeA.id}`, async () => void (await nodeA.exec(['nft', 'delete', 'table', 'ip', evidenceTable(prefix)])));
    if (topology.dropInvalid === true) {
      const comment = evidenceComments(prefix).invalidDrop;
      if (p.dataPlane.proxyMode === 'nftables') {
        await nodeA.exec(['nft', '-f', '-'], { input: nftInvalidDrop(prefix, comment) });
        if (plan.keep) cleanup.push(`INVALID drop on ${nodeA.id}`, async () => void (await nodeA.exec(['nft', 'delete', 'table', 'ip', invalidDropTable(prefix)])));
      } else {
        await nodeA.exec(invalidDropArgv('add', comment));
        if (plan.keep) cleanup.push(`INVALID drop on ${nodeA.id}`, async () => void (await nodeA.exec(invalidDropArgv('delete', comment))));
      }
    }
    return new KindLab(p, runner, cleanup);
  } catch (error) {
    const problems = await cleanup.unwind();
    if (problems.length > 0 && error instanceof Error) error.message += `\n(cleanup after the failure also reported: ${problems.join('; ')})`;
    throw error;
  }
}
