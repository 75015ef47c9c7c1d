/**
 * What a container resetlab starts looks like, as plain data (pure, tested): an agent or a
 * toolbox sharing a node container's network namespace (`container:<node>`), and for a pod
 * also the node's PID namespace, entering the pod's network namespace with `nsenter`.
 * `start-container.ts` turns it into a testcontainers `GenericContainer`.
 */
import { AGENT_ENV } from '../agents/protocol.js';
import { containerLabels } from './labels.js';

/** Where a container's processes run. */
export interface ContainerTarget {
  /** The node container (name or id) whose network namespace the container joins. */
  node: string;
  /** A pod's network namespace inside the node, as a path in the node's PID namespace (`/proc/<pid>/ns/net`). */
  podNetns?: string;
}

/** A container to start, as data. */
export interface ContainerConfig {
  name: string;
  image: string;
  labels: Record<string, string>;
  networkMode: string;
  /** `container:<node>` for pods (nsenter needs the node's /proc/<pid>). */
  pidMode?: string;
  capAdd: string[];
  securityOpt: string[];
  env: Record<string, string>;
  command: string[];
}

/** argv prefix that enters a pod's network namespace (empty for the node itself). Pure. */
export function enterTarget(target: ContainerTarget): string[] {
  return target.podNetns ? ['nsenter', `--net=${target.podNetns}`, '--'] : [];
}

/** The common part of agent and toolbox containers. Pure. */
function baseConfig(o: { prefix: string; name: string; image: string; role: string; target: ContainerTarget }): Omit<ContainerConfig, 'env' | 'command'> {
  const pod = o.target.podNetns !== undefined;
  return {
    name: o.name,
    image: o.image,
    labels: containerLabels(o.prefix, o.role),
    networkMode: `container:${o.target.node}`,
    ...(pod ? { pidMode: `container:${o.target.node}` } : {}),
    // NET_RAW for the injector's raw socket, NET_ADMIN for nft/ipvsadm; entering a pod's
    // netns needs setns rights (SYS_ADMIN) and /proc/<pid>/ns of another process (SYS_PTRACE).
    capAdd: ['NET_ADMIN', 'NET_RAW', ...(pod ? ['SYS_ADMIN', 'SYS_PTRACE'] : [])],
    securityOpt: pod ? ['apparmor=unconfined'] : [],
  };
}

/** An agent container: `argv` (the image's form: `node dist/harness/agents/<a>.js ...`) in the target. Pure. */
export function agentContainerConfig(o: {
  prefix: string;
  name: string;
  image: string;
  agent: string;
  target: ContainerTarget;
  argv: readonly string[];
  /** The agent stops itself after this long (orphan guard when Ryuk is off). */
  lifetimeMs: number;
}): ContainerConfig {
  return {
    ...baseConfig({ ...o, role: o.agent }),
    env: { [AGENT_ENV.stdin]: 'none', [AGENT_ENV.lifetimeMs]: String(Math.round(o.lifetimeMs)) },
    command: [...enterTarget(o.target), ...o.argv],
  };
}

/** The line a toolbox prints once it runs. */
export const TOOLBOX_READY = 'resetlab-toolbox-ready';

/** A toolbox container: idles (node, bounded by `lifetimeMs`) so commands run in it with exec. Pure. */
export function toolboxContainerConfig(o: { prefix: string; name: string; image: string; target: ContainerTarget; lifetimeMs: number }): ContainerConfig {
  const script = `process.on('SIGTERM',()=>process.exit(0));setTimeout(()=>process.exit(0),${Math.round(o.lifetimeMs)});console.log('${TOOLBOX_READY}')`;
  return { ...baseConfig({ ...o, role: 'toolbox' }), env: {}, command: ['node', '-e', script] };
}
