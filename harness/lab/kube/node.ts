/**
 * The kube lab's nodes: every command is a `kubectl exec` into one of the run's pods.
 * - A pod role (server, client) runs in the pod's holder container: its network namespace
 *   and the capabilities the manifests gave it (NET_RAW, NET_ADMIN).
 * - Node A runs in the node agent (privileged, hostNetwork, hostPID; cluster/node-agent.ts):
 *   the node's own tools through `nsenter -t 1 -m -n` where the node has them (iptables-save
 *   then uses the backend kube-proxy uses), the agent image's otherwise.
 * Agents (server, load, inject) are `kubectl exec -i` processes whose remote side writes its
 * pid to the pod's scratch directory and `exec`s node: a signal to kubectl never reaches the
 * agent, so a stop closes kubectl's stdin (the agent stops when its stdin ends) and sends
 * SIGTERM to that pid, and every agent also carries its own lifetime (closing the stream does
 * not kill a remote process).
 */
import type { AgentName, StartedAgent } from '../../exec/agent-process.js';
import { startAgentProcess } from '../../exec/agent-process.js';
import type { Runner, RunOptions, RunResult } from '../../exec/runner.js';
import { AGENT_ENV } from '../../agents/protocol.js';
import type { LabNode, NodeRole } from '../lab.js';
import { agentInImage, AGENT_LIFETIME_EXTRA_MS, IMAGE_WORKDIR } from '../kind/node.js';
import { kubectlFor, type KubeTarget } from './api.js';

/** The holders' scratch directory (an emptyDir): agents' pid files. */
export const POD_SCRATCH_DIR = '/resetlab';

/** Where a node's commands run: a container of one of the run's pods. */
export interface KubePodRef {
  namespace: string;
  pod: string;
  container: string;
}

/** `kubectl exec` argv for `argv` in `ref` (`-i` only when stdin is given). Pure. */
export function kubeExecArgv(target: KubeTarget, ref: KubePodRef, argv: readonly string[], stdin = false): string[] {
  return kubectlFor(target, 'exec', ...(stdin ? ['-i'] : []), '-n', ref.namespace, ref.pod, '-c', ref.container, '--', ...argv);
}

/**
 * The remote argv of an agent (pure): a shell that records its pid in `pidFile`, sets the
 * agent's lifetime, and becomes the agent (`exec`, so the pid is the agent's).
 */
export function agentRemoteArgv(hostArgv: readonly string[], pidFile: string, lifetimeMs: number): { name: string; argv: string[] } {
  const agent = agentInImage(hostArgv);
  const [exe, module, ...rest] = agent.argv;
  const argv = module?.startsWith('dist/') ? [exe!, `${IMAGE_WORKDIR}/${module}`, ...rest] : agent.argv;
  return {
    name: agent.name,
    argv: ['sh', '-c', `echo $$ > "$0"; ${AGENT_ENV.lifetimeMs}=$1; export ${AGENT_ENV.lifetimeMs}; shift; exec "$@"`, pidFile, String(lifetimeMs), ...argv],
  };
}

/**
 * A node command's deadline when the caller gives none: a `kubectl exec` crosses the API
 * server, the kubelet and the runtime (a local command's 30 s default is too short: in a 6.1
 * TCG guest a `cat` of node A's conntrack counters timed out at 30 s and failed the run).
 */
export const KUBE_EXEC_TIMEOUT_MS = 120_000;

/** What every node of one kube lab shares. */
export interface KubeNodeContext {
  target: KubeTarget;
  runner: Runner;
  /** Sequence for pid file names, shared by the lab's nodes. */
  sequence: { next: number };
  /** Deadline of a node command that names none (default KUBE_EXEC_TIMEOUT_MS; longer in slow guests). */
  execTimeoutMs?: number;
}

/** A lab node inside one of the run's pods (see module doc). */
export class KubePodNode implements LabNode {
  readonly id: string;
  constructor(
    readonly role: NodeRole,
    readonly ref: KubePodRef,
    protected readonly ctx: KubeNodeContext,
  ) {
    this.id = `${ref.namespace}/${ref.pod}`;
  }

  exec(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    return this.inPod(argv, options);
  }

  /**
   * Runs `argv` in the pod's own container, whatever `exec` does in a subclass: for files of
   * the pod's scratch volume (pid files, the node agent's state file), which the node's mount
   * namespace does not have (on a real kind cluster a `sh` through nsenter found no such directory).
   */
  inPod(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    const timeoutMs = options?.timeoutMs ?? this.ctx.execTimeoutMs ?? KUBE_EXEC_TIMEOUT_MS;
    return this.ctx.runner.run(kubeExecArgv(this.ctx.target, this.ref, argv, options?.input !== undefined), { ...options, timeoutMs });
  }

  /** Not available: long-running processes start as agents (`spawnAgent`). */
  wrap(_argv: readonly string[]): string[] {
    throw new Error(`failed to wrap a command for ${this.id}: kube nodes start long-running processes as agents (kubectl exec)`);
  }

  /** Starts the agent with `kubectl exec -i` (see module doc); the caller registers its kill at birth. */
  spawnAgent(name: AgentName, argv: readonly string[], deadlineMs: number): StartedAgent {
    this.ctx.sequence.next += 1;
    const pidFile = `${POD_SCRATCH_DIR}/${name}-${this.ctx.sequence.next}.pid`;
    const remote = agentRemoteArgv(argv, pidFile, deadlineMs + AGENT_LIFETIME_EXTRA_MS);
    return startAgentProcess(name, kubeExecArgv(this.ctx.target, this.ref, remote.argv, true), deadlineMs, {
      stop: async ({ closeStdin }) => {
        closeStdin();
        await this.inPod(['sh', '-c', `kill -TERM "$(cat ${pidFile})"`], { check: false, timeoutMs: 60_000 });
      },
    });
  }
}

/** Tools node A runs from the node itself when it has them (see module doc). */
export const NODE_TOOLS = ['sysctl', 'conntrack', 'iptables', 'iptables-save', 'ip', 'nft', 'ipvsadm', 'cat', 'sh'] as const;

/** argv prefix entering the node's mount and network namespaces from the hostPID agent. */
export const ENTER_NODE = ['nsenter', '-t', '1', '-m', '-n', '--'] as const;

/** Node A: the node agent pod; the node's tools where `hostTools` has them (see module doc). */
export class KubeNodeAgent extends KubePodNode {
  constructor(
    ref: KubePodRef,
    ctx: KubeNodeContext,
    /** The node's name (for messages and reports). */
    readonly nodeName: string,
    private readonly hostTools: ReadonlySet<string>,
  ) {
    super('node-a', ref, ctx);
  }

  override exec(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    const onNode = argv[0] !== undefined && this.hostTools.has(argv[0]);
    return super.exec(onNode ? [...ENTER_NODE, ...argv] : argv, options);
  }
}

/** Which of NODE_TOOLS the node has, asked from the node agent (one exec). */
export async function probeHostTools(agent: KubePodNode): Promise<Set<string>> {
  const script = `for t in ${NODE_TOOLS.join(' ')}; do command -v "$t" >/dev/null 2>&1 && echo "$t"; done; true`;
  const out = await agent.exec([...ENTER_NODE, 'sh', '-c', script], { timeoutMs: 120_000 });
  return new Set(out.stdout.split('\n').map((l) => l.trim()).filter((l) => (NODE_TOOLS as readonly string[]).includes(l)));
}
