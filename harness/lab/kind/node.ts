/**
 * A kind lab node: a handle that runs commands either in a kind node container's network
 * namespace (`docker exec <node> ...`) or in a pod's network namespace on that node
 * (`docker exec <node> nsenter --net=/proc/<sandbox pid>/ns/net -- ...`).
 *
 * Long-running agents cannot use `docker exec`: the node image has no Node.js. `wrap()`
 * turns the agent argv the pipeline builds (host `node` + host `dist/.../agent.js` + JSON)
 * into `docker run --rm -i` of our agent image sharing the node's network namespace
 * (`--network container:<node>`); for a pod it also shares the node's PID namespace and
 * enters the pod's network namespace with `nsenter`. `-i` keeps stdin open, so the agent
 * exits when we die; the docker client forwards SIGTERM, so `stop()` still gets the agent's
 * `result` line. Every container is named `<prefix>-<agent>-<n>` and labelled
 * `resetlab.prefix=<prefix>`; the lab removes them by label (cleanup.ts).
 *
 * Tools the node image lacks (kind node images before nftables was added have no `nft`;
 * none has `ipvsadm`) run the same way from our image, which ships them.
 */
import { basename } from 'node:path';
import type { Runner, RunOptions, RunResult } from '../../exec/runner.js';
import type { LabNode, NodeRole } from '../lab.js';
import { PREFIX_LABEL } from './manifests.js';

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
  /** Tools absent from the node image (run from `image` instead). */
  missingTools: ReadonlySet<string>;
  /** Sequence for container names, shared by the lab's nodes. */
  sequence: { next: number };
}

/** Working directory of the agent image (docker/Dockerfile). */
export const IMAGE_WORKDIR = '/app';

/** argv prefix that enters a pod's network namespace (empty for the node itself). */
function enter(target: KindTarget): string[] {
  return target.pod ? ['nsenter', `--net=${target.pod.netnsPath}`, '--'] : [];
}

/** `docker exec` argv running `argv` in the target (`-i` only when stdin is given). */
export function dockerExecArgv(target: KindTarget, argv: readonly string[], stdin = false): string[] {
  return ['docker', 'exec', ...(stdin ? ['-i'] : []), target.container, ...enter(target), ...argv];
}

/** `docker run` argv running `argv` from our image in the target's network namespace. */
export function dockerRunArgv(target: KindTarget, c: AgentContainers, name: string, argv: readonly string[]): string[] {
  return [
    'docker', 'run', '--rm', '-i',
    '--name', name,
    '--label', `${PREFIX_LABEL}=${c.prefix}`,
    '--network', `container:${target.container}`,
    '--cap-add', 'NET_ADMIN', '--cap-add', 'NET_RAW',
    // Entering a pod's netns needs the node's PID namespace (to see /proc/<pid>/ns/net) and setns rights.
    ...(target.pod
      ? ['--pid', `container:${target.container}`, '--cap-add', 'SYS_ADMIN', '--cap-add', 'SYS_PTRACE', '--security-opt', 'apparmor=unconfined']
      : []),
    c.image,
    ...enter(target),
    ...argv,
  ];
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

  /** The argv `exec` runs (pure; exposed for tests and error messages). */
  execArgv(argv: readonly string[], stdin = false): string[] {
    if (argv[0] !== undefined && this.containers.missingTools.has(argv[0])) {
      return dockerRunArgv(this.target, this.containers, this.nextName(argv[0]), argv);
    }
    return dockerExecArgv(this.target, argv, stdin);
  }

  /** Runs `argv` in the target (see module doc). */
  exec(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    return this.runner.run(this.execArgv(argv, options?.input !== undefined), options);
  }

  protected nextName(what: string): string {
    this.containers.sequence.next += 1;
    return `${this.containers.prefix}-${what}-${this.containers.sequence.next}`;
  }
}

/** A lab node with a role; `wrap` starts agents from our image in the target (see module doc). */
export class KindNode extends KindContainer implements LabNode {
  constructor(
    readonly role: NodeRole,
    target: KindTarget,
    runner: Runner,
    containers: AgentContainers,
  ) {
    super(target, runner, containers);
  }

  wrap(argv: readonly string[]): string[] {
    const agent = agentInImage(argv);
    return dockerRunArgv(this.target, this.containers, this.nextName(agent.name), agent.argv);
  }
}
