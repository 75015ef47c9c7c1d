/**
 * The `Lab` interface: one narrow handle on the infrastructure a scenario runs on (like
 * kind's Provider). Drivers live in `lab/<driver>/` with the same file names. The run
 * pipeline only ever sees this interface.
 */
import type { AgentName, StartedAgent } from '../exec/agent-process.js';
import type { RunOptions, RunResult } from '../exec/runner.js';
import type { NodeRole } from './node-role.js';
import type { DataPlaneFacts, RealKubeProxyRecord } from '../dataplane/dataplane.js';
import type { RpsReadBack, RpsWanted } from './rps.js';

export type { NodeRole } from './node-role.js';

/** A place that runs commands (a network namespace, a container). */
export interface LabNode {
  readonly role: NodeRole;
  /** The driver's identifier (namespace or container name); carries the run's prefix. */
  readonly id: string;
  /** Runs an argv inside the node. */
  exec(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** The argv prefix that runs a command inside this node (for long-running agents). */
  wrap(argv: readonly string[]): string[];
  /** Optional: starts an agent in a container instead of a local process (see exec/agent-process.ts). */
  spawnAgent?(name: AgentName, argv: readonly string[], deadlineMs: number): StartedAgent;
}

/** Addresses the agents need; all exist only inside the lab. */
export interface LabAddresses {
  /** Service VIP (ClusterIP) and port the load targets. */
  vip: string;
  servicePort: number;
  /** The backend pod. */
  serverIp: string;
  serverPort: number;
  /** Source address the server sees for client traffic without masquerade. */
  clientIp: string;
}

/** What the data plane actually is (never relabelled). */
export interface DataPlane {
  proxyMode: 'ipvs' | 'iptables' | 'nftables';
  /** Why this mode was used (e.g. ip_vs missing, so iptables DNAT). */
  reason: string;
  /** Knobs as applied: masquerade, dropInvalid (as written: the resolved value), client placement, ... */
  knobs: Record<string, unknown>;
  /**
   * The kube-proxy behind node-a's rules: the modelled one (harness/dataplane/model:
   * `source: 'model'`, version, the INVALID drop and why) or the real binary
   * (harness/dataplane/real: `kind: 'real'`, read back from what it wrote, with the same
   * `source`/`dropInvalid` fields filled in). Recorded as environment.kubeProxy.
   */
  kubeProxy?: DataPlaneFacts | RealKubeProxyRecord;
}

/** A provisioned lab. `destroy()` removes everything it made and never throws. */
export interface Lab {
  readonly driver: 'netns' | 'kind' | 'kube';
  /**
   * Optional: the kernel the data plane runs on when it is not this machine's (kube: node A's
   * `kernelVersion`); the report's `kernel` then says it instead of `uname -r`.
   */
  readonly kernel?: string;
  readonly prefix: string;
  readonly dataPlane: DataPlane;
  readonly addresses: LabAddresses;
  /** Comments of the counting rules the driver installed (see lab/evidence.ts). */
  readonly counterRules: { invalidDrop: string; leak: string; natted: string };
  /**
   * Optional: the INVALID drop as a rule without a comment (the real kube-proxy's own rule),
   * whose counter the evidence reads instead of `counterRules.invalidDrop`.
   */
  readonly invalidDropRule?: { table: string; chain: string; spec: string };
  /** Nodes holding the evidence table (where the client side receives segments: the client and node-a). */
  readonly evidenceRoles: readonly NodeRole[];
  /** Node handles by role; `client` is node-a itself when the scenario's client is `node`. */
  readonly nodes: Record<NodeRole, LabNode>;
  /** Nodes that carry the data plane and whose sysctls the arms set. */
  readonly nodeRoles: readonly NodeRole[];
  /** Sets sysctls on the given nodes and reads every value back; throws if one differs. */
  setSysctls(roles: readonly NodeRole[], values: Record<string, number>): Promise<Record<string, Record<string, number>>>;
  /** Reads sysctls on the given nodes: `{ role: { key: value } }`; absent keys are omitted. */
  readSysctls(roles: readonly NodeRole[], keys: readonly string[]): Promise<Record<string, Record<string, number>>>;
  /**
   * Optional (drivers without it cannot run scenarios with `rps`): writes `rps_cpus` and
   * `rps_flow_cnt` on every receive queue of the wanted interfaces, reads every value back and
   * throws if one differs. Only the lab's own nodes are touched; global RFS state never is.
   */
  setRps?(wanted: RpsWanted): Promise<RpsReadBack>;
  /** Optional: reads RPS settings of `ifnames` (every interface but lo when omitted) on each role. */
  readRps?(roles: readonly NodeRole[], ifnames?: readonly string[]): Promise<RpsReadBack>;
  /** Deletes conntrack entries on every node (between arms). */
  flushConntrack(): Promise<void>;
  /**
   * Which data-plane rules are present, per node, as short lines (INVALID-drop rules, DNAT or
   * IPVS virtual servers). Read-only; the pipeline records it for every arm, because a
   * kube-proxy that re-syncs (or reads be_liberal at start) can change them between arms.
   */
  dataPlaneRules?(): Promise<Record<string, string[]>>;
  /**
   * Optional: called right before an arm's load starts; the function it returns (if any) right
   * after the load ends. The real kube-proxy's lab in an emulated guest pauses its control plane
   * there (`environment.kubeProxy.controlPlane.pausedDuringLoad`); other labs return nothing.
   */
  duringLoad?(): (() => void) | undefined;
  /** Removes everything the lab created; returns cleanup problems instead of throwing. */
  destroy(): Promise<string[]>;
}
