/**
 * The kind driver as the CLI sees it (registry entry): validates the kind flags (with every
 * other flag, before anything runs), checks the machine (kind, kubectl, a Docker engine:
 * one sentence, exit 2, nothing created), and runs scenarios on kind labs. Also the kind
 * part of `resetlab cleanup`.
 */
import { release } from 'node:os';
import type { InputProblem } from '../../errors.js';
import type { Runner } from '../../exec/runner.js';
import { runEach, runEachOptions } from '../../run/run-each.js';
import type { LabFactory } from '../../run/run-scenario.js';
import type { Scenario } from '../../scenario/schema.js';
import type { LabDriver } from '../driver.js';
import { liveOwner } from '../owner.js';
import { newPrefix } from '../prefix.js';
import { removeKindLeftovers } from './cleanup.js';
import { AGENT_IMAGE_HELP, clusterScenarioProblems } from '../cluster/scenarios.js';
import type { KubeProxyMode } from './config.js';
import { assertKindPreconditions, kindPreconditions, kindReadiness } from './preconditions.js';
import { provisionKindLab } from './provider.js';
import type { OfflineNodeImage } from './provision.js';
import { KIND_GUEST_OPTIONS, kindGuestFlagProblems, kindVmFlags, runKindInGuest } from './in-guest.js';
import { parseVmFlags } from '../vm/flags.js';
import { kernelVersionOf } from '../vm/run-on-kernels.js';

/** kind flags as commander hands them over (strings, unvalidated). */
export interface KindFlags {
  driver?: string;
  /** `--keep-cluster`: reuse the cluster if it exists and never delete it. */
  keepCluster?: boolean;
  /** `--cluster NAME`: the kind cluster to create or reuse. */
  cluster?: string;
  /** `--node-image IMAGE`: kindest/node image (Kubernetes version). */
  nodeImage?: string;
  /** `--kube-proxy-mode ipvs|iptables|nftables` (default ipvs; a common run flag, validated with the others). */
  kubeProxyMode?: string;
  /** `--agent-image IMAGE`: a prebuilt agent image instead of building docker/Dockerfile. */
  agentImage?: string;
}

/** kind cluster names: what kind accepts and keeps node hostnames valid. */
const CLUSTER_NAME = /^[a-z0-9]([a-z0-9.-]{0,38}[a-z0-9])?$/;

/** Every problem with the kind flags (empty when fine). Pure. The registry reports kind flags given with another driver. */
export function kindFlagProblems(flags: KindFlags): InputProblem[] {
  const problems: InputProblem[] = [];
  const p = (field: string, message: string) => problems.push({ file: 'flags', field, message });
  if (flags.cluster !== undefined && !CLUSTER_NAME.test(flags.cluster)) {
    p('--cluster', `"${flags.cluster}" is not a valid kind cluster name (lowercase letters, digits, '-' and '.', at most 40)`);
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
export async function prepareKindDriver(ctx: { runner: Runner }, flags: KindFlags): Promise<LabFactory> {
  await assertKindPreconditions(ctx.runner);
  const offlineImage = flags.nodeImage !== undefined ? await findOfflineImage(flags.nodeImage) : undefined;
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
      ...(offlineImage ? { offlineImage } : {}),
    });
}

/** resetlab's offline node image named `image`, from its cache (`resetlab kind node-image build`), or undefined. */
async function findOfflineImage(image: string): Promise<OfflineNodeImage | undefined> {
  const { listNodeImages, nodeImageCacheRoot } = await import('../../kind-image/build.js');
  const record = (await listNodeImages(nodeImageCacheRoot())).find((i) => i.name === image);
  const etcd = record?.images.find((i) => i.name === 'etcd');
  return record && etcd ? { key: record.key, etcdImage: etcd.tag } : undefined;
}

/** Removes what dead kind runs left (containers, run-named clusters) and says so on stderr. */
export async function removeKindLeftoversLoudly(ctx: { runner: Runner; say(line: string): void }): Promise<number> {
  const report = await removeKindLeftovers(ctx.runner);
  if (report.removed.length > 0) ctx.say(`resetlab: removed kind leftovers of runs that did not finish: ${report.removed.join(', ')}`);
  if (report.inUse.length > 0) ctx.say(`resetlab: left alone (a live run owns them): ${report.inUse.join(', ')}`);
  for (const problem of report.problems) ctx.say(`resetlab: ${problem}`);
  if (report.problems.length > 0) throw new Error(`failed to remove every kind leftover (${report.problems.length} problem(s))`);
  return report.removed.length;
}

/**
 * Containers of dead runs (label `resetlab.prefix`), wherever a container engine answers
 * (with or without kind; Ryuk may be off). Loads testcontainers only here.
 */
async function removeContainerLeftoversLoudly(ctx: { say(line: string): void }): Promise<void> {
  const { containerEngineReachable } = await import('../../containers/runtime.js');
  if (!(await containerEngineReachable())) return;
  const { testcontainersEngine } = await import('../../containers/engine.js');
  const report = await testcontainersEngine.removeLeftovers(liveOwner);
  if (report.removed.length > 0) ctx.say(`resetlab: removed containers of runs that did not finish: ${report.removed.join('; ')}`);
  if (report.inUse.length > 0) ctx.say(`resetlab: left alone (a live run owns their containers): ${report.inUse.join(', ')}`);
  for (const p of report.problems) ctx.say(`resetlab: ${p}`);
  if (report.problems.length > 0) throw new Error(`failed to remove every leftover container (${report.problems.length} problem(s))`);
}

/** The kind driver. */
export const kindDriver: LabDriver = {
  name: 'kind',
  summary: 'a real Kubernetes cluster in Docker (kube-proxy IPVS mode by default)',
  options: [
    { flags: '--keep-cluster', key: 'keepCluster', description: 'kind: reuse the cluster if it exists and keep it afterwards' },
    { flags: '--cluster <name>', key: 'cluster', description: 'kind: the cluster to create or reuse' },
    { flags: '--node-image <image>', key: 'nodeImage', description: 'kind: kindest/node image (the Kubernetes version)' },
    { flags: '--agent-image <image>', key: 'agentImage', description: AGENT_IMAGE_HELP },
    ...KIND_GUEST_OPTIONS,
  ],
  flagProblems: (flags) => [...kindFlagProblems(flags as KindFlags), ...kindGuestFlagProblems(flags)],
  readiness: async (runner) => kindReadiness(await kindPreconditions(runner)),
  scenarioProblems: clusterScenarioProblems,
  // kube-proxy's mode: ipvs unless overridden.
  proxyModeFor: (s, flags) => (flags.kubeProxyMode as string | undefined) ?? (s.topology.proxyMode === 'auto' ? 'ipvs' : s.topology.proxyMode),
  kernelsFor: (flags) => (flags.kernel !== undefined ? (parseVmFlags(kindVmFlags(flags)).settings?.kernels.map(kernelVersionOf) ?? []) : [release()]),
  async execute(ctx, scenarios, flags, onReport) {
    // With --kernel the cluster runs in a guest of that kernel (in-guest.ts), from resetlab's offline node image.
    if (flags.kernel !== undefined) return runKindInGuest(ctx, scenarios, flags, onReport);
    const provision = await prepareKindDriver(ctx, flags as KindFlags);
    return runEach({ ...ctx, ...runEachOptions(flags) }, scenarios, provision, onReport);
  },
  async removeLeftovers(ctx) {
    await removeContainerLeftoversLoudly(ctx);
    // kind leftovers (labelled containers, run-named clusters) only where kind can run at all.
    if ((await kindPreconditions(ctx.runner)).length === 0) await removeKindLeftoversLoudly(ctx);
  },
};
