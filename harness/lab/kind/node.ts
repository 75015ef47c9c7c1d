/**
 * A kind lab node: a handle that runs commands either in a kind node container's network
 * namespace (`docker exec <node> ...`) or in a pod's network namespace on that node
 * (`docker exec <node> nsenter --net=/proc/<sandbox pid>/ns/net -- ...`).
 *
 * Containers of our own go through the container layer (harness/containers, testcontainers):
 * long-running agents (the node image has no Node.js) start with `spawnAgent` from our agent
 * image, sharing the node's network namespace (`container:<node>`); for a pod also its PID
 * namespace, entering the pod's network namespace with `nsenter`. Tools the node image lacks
 * (kind node images before nftables was added have no `nft`; none has `ipvsadm`) run in a
 * toolbox container per target, started on first use. Every container is named
 * `<prefix>-<what>-<n>` and labelled `resetlab.prefix=<prefix>`; the lab stops the toolboxes
 * and sweeps the label at destroy (provider.ts), `resetlab cleanup` after a crash.
 */
import { basename } from 'node:path';
import { agentContainerConfig, toolboxContainerConfig, type ContainerTarget } from '../../containers/container-config.js';
import type { ContainerEngine } from '../../containers/engine.js';
import type { StartedToolbox } from '../../containers/toolbox.js';
import type { AgentName, StartedAgent } from '../../exec/agent-process.js';
import type { Runner, RunOptions, RunResult } from '../../exec/runner.js';
import type { LabNode, NodeRole } from '../lab.js';

/** Where a node's commands run. */
export interface KindTarget {
  /** The kind node container (docker name), e.g. `rl-3fa2c1-worker`. */
  container: string;
  /** Set when the node is a pod: its name and network namespace path as seen inside the node. */
  pod?: { name: string; netnsPath: string };
}

/** What every node of one lab shares for starting containers. */
export interface AgentContainers {
  prefix: string;
  /** Our agent image (also the toolbox for tools the node image lacks). */
  image: string;
  /** Tools absent from the node image (run in a toolbox from `image` instead). */
  missingTools: ReadonlySet<string>;
  /** Sequence for container names, shared by the lab's nodes. */
  sequence: { next: number };
  /** Starts and removes containers (testcontainers; a fake in tests). */
  engine: ContainerEngine;
  /** Toolboxes by target, started on first use; `stopToolboxes` stops them. */
  toolboxes: Map<string, Promise<StartedToolbox>>;
}

/** Working directory of the agent image (docker/Dockerfile). */
export const IMAGE_WORKDIR = '/app';
/** An orphaned toolbox (Ryuk off, no cleanup run) exits by itself after this long. */
export const TOOLBOX_LIFETIME_MS = 12 * 3600_000;
/** An agent stops by itself this long after its deadline (orphan guard). */
export const AGENT_LIFETIME_EXTRA_MS = 30_000;

/** The container layer's view of a target. Pure. */
export function containerTarget(target: KindTarget): ContainerTarget {
  return target.pod ? { node: target.container, podNetns: target.pod.netnsPath } : { node: target.container };
}

/** argv prefix that enters a pod's network namespace (empty for the node itself). */
function enter(target: KindTarget): string[] {
  return target.pod ? ['nsenter', `--net=${target.pod.netnsPath}`, '--'] : [];
}

/** `docker exec` argv running `argv` in the target (`-i` only when stdin is given). */
export function dockerExecArgv(target: KindTarget, argv: readonly string[], stdin = false): string[] {
  return ['docker', 'exec', ...(stdin ? ['-i'] : []), target.container, ...enter(target), ...argv];
}

/**
 * Maps a host agent argv to the image: `[node, <repo>/dist/harness/agents/<a>.js, ...args]`
 * becomes `[node, dist/harness/agents/<a>.js, ...args]` (relative to IMAGE_WORKDIR) and
 * names it `<a>`; any other argv is kept as it is and named after its program.
 */
export function agentInImage(argv: readonly string[]): { name: string; argv: string[] } {
  const [exe, module, ...rest] = argv;
  const m = module ? /(?:^|\/)dist\/harness\/agents\/([\w-]+)\.js$/.exec(module) : null;
  if (exe && m && (exe === process.execPath || basename(exe) === 'node')) {
    return { name: m[1]!, argv: ['node', `dist/harness/agents/${m[1]}.js`, ...rest] };
  }
  return { name: basename(exe ?? 'cmd').replace(/[^\w-]/g, '') || 'cmd', argv: [...argv] };
}

/** Stops every toolbox of the lab (collects problems instead of throwing). */
export async function stopToolboxes(c: AgentContainers): Promise<string[]> {
  const all = [...c.toolboxes.values()];
  c.toolboxes.clear();
  const results = await Promise.allSettled(all.map(async (t) => (await t).stop()));
  return results.flatMap((r) => (r.status === 'rejected' ? [`failed to stop a toolbox: ${(r.reason as Error).message}`] : []));
}

/** A kind node container (or a pod on it) that runs commands; the control plane is one of these. */
export class KindContainer {
  readonly id: string;
  constructor(
    readonly target: KindTarget,
    protected readonly runner: Runner,
    protected readonly containers: AgentContainers,
  ) {
    this.id = target.pod ? `${target.container}/${target.pod.name}` : target.container;
  }

  /** Runs `argv` in the target: `docker exec`, or the target's toolbox for tools the node image lacks. */
  async exec(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    if (argv[0] !== undefined && this.containers.missingTools.has(argv[0])) return (await this.toolbox()).exec(argv, options);
    return this.runner.run(dockerExecArgv(this.target, argv, options?.input !== undefined), options);
  }

  /** The target's toolbox, started on first use (registered in `containers.toolboxes` at once). */
  protected toolbox(): Promise<StartedToolbox> {
    const key = this.id;
    let t = this.containers.toolboxes.get(key);
    if (!t) {
      const target = containerTarget(this.target);
      const c = this.containers;
      t = c.engine.startToolbox(toolboxContainerConfig({ prefix: c.prefix, name: this.nextName('toolbox'), image: c.image, target, lifetimeMs: TOOLBOX_LIFETIME_MS }), target);
      // A failed start leaves nothing registered (testcontainers removed the container); the next use retries.
      t.catch(() => c.toolboxes.delete(key));
      c.toolboxes.set(key, t);
    }
    return t;
  }

  protected nextName(what: string): string {
    this.containers.sequence.next += 1;
    return `${this.containers.prefix}-${what}-${this.containers.sequence.next}`;
  }
}

/** A lab node with a role; agents start in containers from our image (see module doc). */
export class KindNode extends KindContainer implements LabNode {
  constructor(
    readonly role: NodeRole,
    target: KindTarget,
    runner: Runner,
    containers: AgentContainers,
  ) {
    super(target, runner, containers);
  }

  /** Starts the agent in a container in this node's target; the caller registers its kill at birth. */
  spawnAgent(name: AgentName, argv: readonly string[], deadlineMs: number): StartedAgent {
    const agent = agentInImage(argv);
    const c = this.containers;
    const config = agentContainerConfig({
      prefix: c.prefix,
      name: this.nextName(agent.name),
      image: c.image,
      agent: agent.name,
      target: containerTarget(this.target),
      argv: agent.argv,
      lifetimeMs: deadlineMs + AGENT_LIFETIME_EXTRA_MS,
    });
    return c.engine.startAgent(config, name, deadlineMs);
  }

  /** Not available: a kind node has no local command line for long-running processes (use `spawnAgent`). */
  wrap(_argv: readonly string[]): string[] {
    throw new Error(`failed to wrap a command for ${this.id}: kind nodes start long-running processes in containers (spawnAgent)`);
  }
}
