/**
 * node-a's data plane behind one narrow interface. The netns and vm drivers ask a
 * `DataPlaneProvider` to start kube-proxy's rules for one Service in node-a's namespace; they
 * never know whether the rules are modelled (`model/`, resetlab writes them as a stated
 * kube-proxy version does) or real (`real/`, the kube-proxy binary writes them). The result
 * records `facts` (version, mode, the INVALID drop and why), and a verdict names which it was.
 */
import type { RunOptions, RunResult } from '../exec/runner.js';
import type { KubeProxyPlan, KubeProxyRequest, ProxyMode } from './model/resolve.js';
import type { ServicePath } from './service.js';

export type { KubeProxyPlan, KubeProxyRequest, ProxyMode } from './model/resolve.js';

/** node-a as a data plane sees it: a place that runs argv (a `LabNode` is one). */
export interface DataPlaneNode {
  /** The node's namespace (or container) name: a data plane that links node-a to something of its own uses it. */
  readonly id: string;
  exec(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** The argv prefix that runs a long-lived process (a real kube-proxy) inside the node. */
  wrap(argv: readonly string[]): string[];
}

/** What a driver asks for. Validated before anything is created. */
export interface DataPlaneRequest {
  /** The run's prefix: rule comments, chain tags and anything created carry it. */
  prefix: string;
  /** The mode as the driver chose it (never relabelled). */
  mode: ProxyMode;
  /** The one Service to program. */
  path: ServicePath;
  /** kube-proxy `masqueradeAll`. */
  masquerade: boolean;
  kubeProxy: KubeProxyRequest;
  /** Kernel release of node-a (kube-proxy's IPVS start-up sysctls depend on it). */
  kernelRelease: string;
}

/** What the result says about the data plane (`environment.kubeProxy`). */
export interface DataPlaneFacts extends KubeProxyPlan {
  /** `model`: resetlab wrote the rules as that version does; `real`: the kube-proxy binary did. */
  source: 'model' | 'real';
}

/**
 * What the real kube-proxy's data plane (real/) records: its own facts (version as it prints
 * it, flags, what it wrote) with the model's `source`/`dropInvalid` fields filled in from them.
 */
export type RealKubeProxyRecord = Omit<Partial<DataPlaneFacts>, 'mode'> & {
  kind: 'real';
  source: 'real';
  version: string;
  mode: string;
  flags: string[];
  wroteInvalidDrop: boolean;
  dropInvalid: boolean;
  dropInvalidBy: 'kube-proxy';
};

/**
 * A started data plane. `stop()` ends what `start` made outside node-a's rules (processes, files)
 * and throws one error naming what it could not remove; the driver registers it on its cleanup
 * stack the moment `start` returns, so it runs (and its error is collected) on every teardown.
 */
export interface StartedDataPlane {
  /** `environment.kubeProxy`: the model's plan, or what the real kube-proxy was and wrote. */
  readonly facts: DataPlaneFacts | RealKubeProxyRecord;
  /** Appended to the data plane's `reason` (e.g. which real binary wrote the rules). */
  readonly note?: string;
  /**
   * The INVALID drop as a rule without a comment (the real kube-proxy's own rule), when the
   * data plane wrote one; the evidence funnel then reads its counter.
   */
  readonly invalidDropRule?: { table: string; chain: string; spec: string };
  stop(): Promise<void>;
  /** Optional raw read-back of what the data plane wrote, per command (the real kube-proxy's rules for every arm). */
  rules?(): Promise<Record<string, string[]>>;
  /** Optional: throws a clear error if the data plane's process died (a crashed kube-proxy, with its last log lines). */
  assertRunning?(): void;
  /** Optional: see Lab.duringLoad (the real kube-proxy's control plane paused in emulated guests). */
  duringLoad?(): (() => void) | undefined;
}

/**
 * Starts a data plane in `node` (node-a). On failure it removes what it made and rethrows;
 * rules inside node-a's namespace go with the namespace, so the caller deletes it.
 */
export interface DataPlaneProvider {
  readonly source: DataPlaneFacts['source'];
  start(node: DataPlaneNode, request: DataPlaneRequest): Promise<StartedDataPlane>;
}
