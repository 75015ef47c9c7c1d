/**
 * The kube lab's nodes: every command is a `kubectl exec` into one of the run's pods.
 * - A pod role (server, client) runs in the pod's holder container: its network namespace
 *   and the capabilities the manifests gave it (NET_RAW, NET_ADMIN).
 * - Node A runs in the node agent (privileged, hostNetwork, hostPID; cluster/node-agent.ts):
 *   the node's own tools through `nsenter -t 1 -m -n` where the node has them (iptables-save
 *   then uses the backend kube-proxy uses), the agent image's otherwise.
 * Agents (server, load, inject) are `kubectl exec` processes whose remote side writes its
 * pid to the pod's scratch directory and `exec`s node. The agent does not depend on that
 * stream: under a starved API server it ends mid-run (in a 6.1 TCG guest the server agent,
 * then stopping on its stdin's end, was gone for the second arm). So a kube agent
 * - ignores its stdin (`RESETLAB_AGENT_STDIN=none`) and carries its own lifetime;
 * - also appends every event line to an events file beside its pid file;
 * - is stopped by SIGTERM to its pid (a signal to kubectl never reaches it);
 * - when the stream ends without a result, is waited for (its pid polled in the pod until it
 *   is gone, at most its lifetime) and its result read from the events file.
 */
import type { AgentName, StartedAgent } from '../../exec/agent-process.js';
import { startAgentProcess } from '../../exec/agent-process.js';
import type { Runner, RunOptions, RunResult } from '../../exec/runner.js';
import { AGENT_ENV } from '../../agents/protocol.js';
import type { LabNode, NodeRole } from '../lab.js';
import { agentInImage, AGENT_LIFETIME_EXTRA_MS, IMAGE_WORKDIR } from '../kind/node.js';
import { kubectlFor, type KubeTarget } from './api.js';
import { NODE_AGENT_UNDO_FILE, undoLine } from '../cluster/node-agent.js';
import { execNeverStarted } from '../cluster/kubectl-retry.js';

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
 * agent's lifetime, no stdin and its events file (`<pidFile without .pid>.events`), and
 * becomes the agent (`exec`, so the pid is the agent's).
 */
export function agentRemoteArgv(hostArgv: readonly string[], pidFile: string, lifetimeMs: number): { name: string; argv: string[]; eventsFile: string } {
  const agent = agentInImage(hostArgv);
  const [exe, module, ...rest] = agent.argv;
  const argv = module?.startsWith('dist/') ? [exe!, `${IMAGE_WORKDIR}/${module}`, ...rest] : agent.argv;
  const eventsFile = eventsFileOf(pidFile);
  const set = (k: string, v: string) => `${k}=${v}; export ${k};`;
  return {
    name: agent.name,
    eventsFile,
    argv: ['sh', '-c', `echo $$ > "$0"; ${set(AGENT_ENV.lifetimeMs, '$1')} ${set(AGENT_ENV.eventsFile, '$2')} ${set(AGENT_ENV.stdin, 'none')} shift 2; exec "$@"`, pidFile, String(lifetimeMs), eventsFile, ...argv],
  };
}

/** The events file beside a pid file (pure). */
export function eventsFileOf(pidFile: string): string {
  return pidFile.replace(/\.pid$/, '') + '.events';
}

/** What one poll of an agent's pid answered (pure): `alive`, `gone`, or `unknown` (the exec failed). */
export function agentPollState(r: Pick<RunResult, 'exitCode' | 'stdout'>): 'alive' | 'gone' | 'unknown' {
  const out = r.stdout.trim();
  if (r.exitCode === 0 && out === 'alive') return 'alive';
  if (r.exitCode === 0 && out === 'gone') return 'gone';
  return 'unknown';
}

/**
 * How a kube agent's start is tried again when its `kubectl exec` stream was never set up (no
 * output, and kubectl says so: NOT_STARTED). Measured in a 6.1 guest: a server agent's exec got
 * "unable to upgrade connection: Authorization error (user=kube-apiserver-kubelet-client, ...)"
 * (the kubelet's authorization check against a starved API server) and failed a two-scenario run.
 */
export const AGENT_START_RETRY = { attempts: 6, delayMs: 10_000 } as const;

/** How often a kube agent whose stream ended is polled. */
export const AGENT_POLL_MS = 5_000;

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
  /** Deadline of a node command that names none, and the floor of those that do (slow guests); default KUBE_EXEC_TIMEOUT_MS, no floor. */
  execTimeoutMs?: number;
  /** Period of the pid poll of an agent whose stream ended (default AGENT_POLL_MS). */
  agentPollMs?: number;
  /** Delay unit between starts of an agent whose stream was never set up (default AGENT_START_RETRY.delayMs). */
  agentStartRetryMs?: number;
  /** Hears each such retry. */
  say?: (line: string) => void;
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
    // A lab's execTimeoutMs (a slow guest) is also every command's floor: a caller's 60 s for a
    // quick read is too short there (measured: `ls /etc/cni/net.d` timed out at 60 s and failed a run).
    const floor = this.ctx.execTimeoutMs;
    const asked = options?.timeoutMs ?? floor ?? KUBE_EXEC_TIMEOUT_MS;
    const timeoutMs = floor !== undefined ? Math.max(asked, floor) : asked;
    return this.ctx.runner.run(kubeExecArgv(this.ctx.target, this.ref, argv, options?.input !== undefined), { ...options, timeoutMs });
  }

  /** Not available: long-running processes start as agents (`spawnAgent`). */
  wrap(_argv: readonly string[]): string[] {
    throw new Error(`failed to wrap a command for ${this.id}: kube nodes start long-running processes as agents (kubectl exec)`);
  }

  /** Starts the agent with `kubectl exec` (see module doc); the caller registers its kill at birth. */
  spawnAgent(name: AgentName, argv: readonly string[], deadlineMs: number): StartedAgent {
    this.ctx.sequence.next += 1;
    const pidFile = `${POD_SCRATCH_DIR}/${name}-${this.ctx.sequence.next}.pid`;
    const lifetimeMs = deadlineMs + AGENT_LIFETIME_EXTRA_MS;
    const remote = agentRemoteArgv(argv, pidFile, lifetimeMs);
    const startedAt = Date.now();
    return startAgentProcess(name, kubeExecArgv(this.ctx.target, this.ref, remote.argv), deadlineMs, {
      retryStart: {
        neverStarted: (r) => execNeverStarted({ stdout: '', stderr: r.stderr, exitCode: r.exitCode ?? 1 }),
        attempts: AGENT_START_RETRY.attempts,
        delayMs: this.ctx.agentStartRetryMs ?? AGENT_START_RETRY.delayMs,
        ...(this.ctx.say ? { say: this.ctx.say } : {}),
      },
      stop: async () => {
        await this.inPod(['sh', '-c', `kill -TERM "$(cat ${pidFile})"`], { check: false, timeoutMs: 60_000 });
      },
      afterClientEnd: async (killed) => {
        // Until the agent is gone (its lifetime ends it at the latest), then its own copy of its output.
        const until = startedAt + lifetimeMs + 60_000;
        const probe = `p="$(cat ${pidFile} 2>/dev/null)"; if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then echo alive; else echo gone; fi`;
        while (Date.now() < until && !killed.aborted) {
          const state = agentPollState(await this.inPod(['sh', '-c', probe], { check: false, timeoutMs: 60_000 }));
          if (state === 'gone') break;
          await new Promise((r) => setTimeout(r, this.ctx.agentPollMs ?? AGENT_POLL_MS));
        }
        if (killed.aborted) return null;
        const out = await this.inPod(['cat', remote.eventsFile], { check: false, timeoutMs: 60_000 });
        return out.exitCode === 0 ? out.stdout : null;
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
    return super.exec(this.agentArgv(argv), options);
  }

  /** What `exec(argv)` runs in the agent's container: the node's tool through nsenter where it has it. Pure. */
  agentArgv(argv: readonly string[]): string[] {
    const onNode = argv[0] !== undefined && this.hostTools.has(argv[0]);
    return onNode ? [...ENTER_NODE, ...argv] : [...argv];
  }

  /**
   * Records `argv` (what `exec` would run) as the undo of a change about to be made on the node,
   * in the agent's undo file: its SIGTERM trap and lifetime end run it too (cluster/node-agent.ts).
   */
  async recordUndo(argv: readonly string[]): Promise<void> {
    await this.inPod(['sh', '-c', 'printf "%s\\n" "$1" >> "$0"', NODE_AGENT_UNDO_FILE, undoLine(this.agentArgv(argv))]);
  }
}

/** Which of NODE_TOOLS the node has, asked from the node agent (one exec). */
export async function probeHostTools(agent: KubePodNode): Promise<Set<string>> {
  const script = `for t in ${NODE_TOOLS.join(' ')}; do command -v "$t" >/dev/null 2>&1 && echo "$t"; done; true`;
  const out = await agent.exec([...ENTER_NODE, 'sh', '-c', script], { timeoutMs: 120_000 });
  return new Set(out.stdout.split('\n').map((l) => l.trim()).filter((l) => (NODE_TOOLS as readonly string[]).includes(l)));
}
