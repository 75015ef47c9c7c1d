/**
 * The order of the kind lab's provisioning, on top of the single steps in provision.ts and
 * workloads.ts. `preparePlan` does only read-only checks (machine, existing cluster);
 * `provisionSteps` creates things and calls its hooks the moment a resource may exist, so
 * the provider registers each undo at birth.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsupportedError } from '../../errors.js';
import type { Runner } from '../../exec/runner.js';
import type { DataPlane, LabAddresses, NodeRole } from '../lab.js';
import type { LabTopology } from '../topology.js';
import { KindNode, type AgentContainers } from './node.js';
import { assertKindPreconditions } from './preconditions.js';
import {
  bakeAgentImage,
  bakesAgentImage,
  buildImage,
  checkNodes,
  clusterExists,
  createCluster,
  kindApi,
  kindPlan,
  kubectl,
  loadImage,
  locatePod,
  probeNodeTools,
  readKubeProxy,
  refuseForeignCluster,
  type KindPlan,
} from './provision.js';
import { installPtpCni } from './cni.js';
import { serviceClusterIp, waitForEndpoint, waitForWorkloads, type WaitOptions } from '../cluster/workloads.js';
import { applyWorkloads, nodeIp } from './workloads.js';

/** Tools the lab runs inside kind node containers; the node image must have them. */
export const REQUIRED_NODE_TOOLS = ['sh', 'cat', 'sysctl', 'conntrack', 'iptables', 'iptables-save', 'nsenter'] as const;
/** One of these finds a pod's sandbox (crictl in kindest/node images, containerd's ctr in resetlab's). */
export const SANDBOX_TOOLS = ['crictl', 'ctr'] as const;
/** Tools run from our agent image when the node image lacks them. */
export const TOOLBOX_TOOLS = ['nft', 'ipvsadm'] as const;

/** Checks the machine and the cluster name before anything is created; returns the plan. */
export async function preparePlan(options: Parameters<typeof kindPlan>[0] & { runner: Runner }): Promise<{ plan: KindPlan; exists: boolean }> {
  const plan = kindPlan(options);
  await assertKindPreconditions(options.runner);
  const exists = await clusterExists(options.runner, plan);
  if (exists && !plan.keep) refuseForeignCluster(plan);
  return { plan, exists };
}

/** What the steps produced, for the KindLab. */
export interface KindProvisioned {
  plan: KindPlan;
  dataPlane: DataPlane;
  addresses: LabAddresses;
  nodes: Record<NodeRole, KindNode>;
  /** Shared by every node and container handle of the lab. */
  containers: AgentContainers;
}

/** Hooks called as resources come into existence. */
export interface StepHooks {
  /** The run's namespace, then agent or toolbox containers, may exist from now on. */
  workloadsMayExist(): void;
  /** Shared by the nodes; its `missingTools` is filled from the node probe. */
  containers: AgentContainers;
}

/** Creates (or reuses) the cluster and the workloads; see module doc. */
export async function provisionSteps(
  runner: Runner,
  plan: KindPlan,
  exists: boolean,
  topology: LabTopology,
  wait: WaitOptions,
  hooks: StepHooks,
): Promise<KindProvisioned> {
  // Build first: a broken image fails before the expensive cluster creation.
  await buildImage(hooks.containers.engine, plan);
  // From the offline image (a guest under emulation) the agent image goes inside the node image (bakeAgentImage); the provider removes it.
  const bake = bakesAgentImage(plan, exists);
  let nodeImage = plan.nodeImage;
  if (bake) {
    const dir = await mkdtemp(join(tmpdir(), `${plan.prefix}-node-image-`));
    try {
      nodeImage = await bakeAgentImage(runner, plan, dir, writeFile);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const createAttempts = exists ? 0 : await createCluster(runner, plan, topology.masquerade, (line) => process.stderr.write(`resetlab: ${line}\n`), nodeImage);
  await checkNodes(runner, plan);
  if (!exists && plan.offlineImage) {
    // No kindnet in the offline image: the pod network is ours (cni.ts), then every node must turn Ready.
    await installPtpCni(runner, (...args) => kubectl(plan, ...args), { timeoutMs: wait.nodesMs ?? 600_000, expectNodes: new Set(Object.values(plan.nodes)).size });
    await runner.run(kubectl(plan, 'wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${Math.round((wait.nodesMs ?? 600_000) / 1000)}s`), { timeoutMs: (wait.nodesMs ?? 600_000) + 30_000 });
    // Nothing of ours resolves names, and in a 6.1 TCG guest (r22d) the starved API server answered
    // "TLS handshake timeout" for minutes while coredns pods failed to sync: no cluster DNS here.
    await runner.run(kubectl(plan, '-n', 'kube-system', 'scale', 'deployment', 'coredns', '--replicas=0'), { check: false, timeoutMs: 120_000 });
  }
  const kubeProxy = await readKubeProxy(runner, plan, topology.masquerade);
  const kindVersion = (await runner.run(['kind', 'version'], { check: false })).stdout.trim() || null;
  const present = await probeNodeTools(runner, plan.nodes.worker, [...REQUIRED_NODE_TOOLS, ...TOOLBOX_TOOLS, ...SANDBOX_TOOLS]);
  const lacking: string[] = REQUIRED_NODE_TOOLS.filter((t) => !present.has(t));
  if (!SANDBOX_TOOLS.some((t) => present.has(t))) lacking.push(SANDBOX_TOOLS.join(' or '));
  const sandboxCli = present.has('crictl') ? 'crictl' : 'ctr';
  if (lacking.length > 0) throw new UnsupportedError(`the kind node image of ${plan.cluster} lacks ${lacking.join(', ')}; use a current kindest/node image`);
  for (const t of TOOLBOX_TOOLS) if (!present.has(t)) (hooks.containers.missingTools as Set<string>).add(t);
  if (!bake) await loadImage(runner, plan);

  const clientPod = topology.client === 'pod';
  hooks.workloadsMayExist();
  // In a guest the rollout wait is longer than a Deployment's default progress deadline (600 s): give it ours.
  await applyWorkloads(runner, plan, topology, clientPod, plan.offlineImage && wait.rolloutMs ? Math.round(wait.rolloutMs / 1000) : undefined);
  await waitForWorkloads(runner, kindApi(plan), clientPod, wait);
  const server = await locatePod(runner, plan, plan.names.server, plan.nodes.worker2, sandboxCli);
  const client = clientPod ? await locatePod(runner, plan, plan.names.client, plan.nodes.worker, sandboxCli) : null;
  await waitForEndpoint(runner, kindApi(plan), server.ip, wait);
  const vip = await serviceClusterIp(runner, kindApi(plan));
  const clientIp = client ? client.ip : await nodeIp(runner, plan.nodes.worker);

  const c = hooks.containers;
  const nodeA = new KindNode('node-a', { container: plan.nodes.worker }, runner, c);
  const nodes: Record<NodeRole, KindNode> = {
    'node-a': nodeA,
    'node-b': new KindNode('node-b', { container: plan.nodes.worker2 }, runner, c),
    server: new KindNode('server', { container: plan.nodes.worker2, pod: { name: server.name, netnsPath: server.netnsPath } }, runner, c),
    client: client ? new KindNode('client', { container: plan.nodes.worker, pod: { name: client.name, netnsPath: client.netnsPath } }, runner, c) : nodeA,
  };
  const dataPlane: DataPlane = {
    proxyMode: kubeProxy.mode,
    reason:
      `${plan.modeReason}; kind cluster ${plan.cluster} (${exists ? 'reused' : 'created'}): kube-proxy ${kubeProxy.version ?? kubeProxy.image} ` +
      `configured for ${kubeProxy.mode}` +
      (kubeProxy.loggedMode ? ` and logging "Using ${kubeProxy.loggedMode} Proxier"` : '; its log does not say which proxier runs'),
    knobs: {
      servicePort: topology.servicePort,
      serverPort: topology.serverPort,
      masquerade: topology.masquerade,
      dropInvalid: topology.dropInvalid === true,
      client: topology.client,
      cluster: plan.cluster,
      reusedCluster: exists,
      kubeProxyVersion: kubeProxy.version,
      kubeProxyImage: kubeProxy.image,
      kubeProxyTcpBeLiberal: kubeProxy.tcpBeLiberal,
      nodeImage: plan.nodeImage ?? 'kind default',
      kindVersion,
      clusterCreateAttempts: createAttempts,
      ...(plan.offlineImage ? { offlineNodeImage: plan.offlineImage.key, podNetwork: 'resetlab ptp + host-local (no kindnet)', clusterDns: 'none (coredns scaled to 0)' } : {}),
      agentImage: plan.image,
    },
  };
  const addresses: LabAddresses = { vip, servicePort: topology.servicePort, serverIp: server.ip, serverPort: topology.serverPort, clientIp };
  return { plan, dataPlane, addresses, nodes, containers: c };
}
