/**
 * The node agent of a cluster the user has (kube driver): one privileged `hostNetwork` +
 * `hostPID` Pod pinned to node A, in the run's namespace. Through it resetlab reads node A's
 * counters and rules (`nsenter -t 1 -m -n` runs the node's own tools, so iptables-save uses
 * the backend kube-proxy uses) and writes node A's sysctls (privileged: runtimes mount
 * /proc/sys read-only otherwise, moby #43769; hostNetwork: /proc/sys/net is the node's).
 *
 * Every sysctl resetlab writes is first recorded in the agent's state file, one line
 * `<path> <original> <written>` (sysctlStateText). The agent's own shell restores each one
 * whose value is still what resetlab wrote, and leaves any other value alone, when it gets
 * SIGTERM (the pod or its namespace is deleted: `resetlab cleanup`, `kubectl delete ns`) and
 * when its lifetime ends (its own count of `sleep 1`, or `activeDeadlineSeconds`), so a harness killed
 * with SIGKILL still has its sysctls restored. Likewise every other change resetlab makes on
 * the node (its evidence table, a MASQUERADE rule, an INVALID drop: all named after the run's
 * prefix) is first recorded as the command that undoes it, one shell-quoted line of the undo
 * file (undoLine); the agent runs each at the same moments (an undo the harness already did
 * fails quietly). Pure: objects and scripts only.
 */
import { cpuRequestOf, PREFIX_LABEL, pinTo, workloadNames, type Toleration } from './manifests.js';

/** Where the agent keeps its state (an emptyDir: the agent image may have no /tmp). */
export const NODE_AGENT_STATE_DIR = '/resetlab';
/** The state file: one `<path> <original> <written>` line per sysctl resetlab changed. */
export const NODE_AGENT_STATE_FILE = `${NODE_AGENT_STATE_DIR}/sysctls`;
/** The undo file: one shell-quoted command per line that removes one of resetlab's node changes. */
export const NODE_AGENT_UNDO_FILE = `${NODE_AGENT_STATE_DIR}/undo`;
/** Seconds the kubelet gives the trap to restore before SIGKILL. */
export const NODE_AGENT_GRACE_SEC = 30;

/**
 * The agent's shell (POSIX sh; only `cat`, `sleep` and sh built-ins, which the registry-free
 * agent image carries). Lines it prints start with `resetlab node agent:` (kubectl logs).
 * It sleeps in one-second steps in the foreground, so a SIGTERM runs the trap within a
 * second: a trapped signal that arrives just before `wait` on a background sleep is only
 * acted on when that sleep ends in dash (measured: 7 of 300 SIGTERMs right after start
 * waited the full sleep on a loaded host; 0 of 300, at most 1.07 s, with this loop). The
 * steps drift late under load; activeDeadlineSeconds (its SIGTERM) bounds the lifetime.
 */
export const NODE_AGENT_SCRIPT = `state=${NODE_AGENT_STATE_FILE}
undo=${NODE_AGENT_UNDO_FILE}
restore() {
  if [ -f "$undo" ]; then
    while read -r line; do
      [ -n "$line" ] || continue
      if sh -c "$line" >/dev/null 2>&1; then echo "resetlab node agent: undid $line"; fi
    done < "$undo"
    : > "$undo"
  fi
  [ -f "$state" ] || return 0
  while read -r path orig wrote; do
    [ -n "$path" ] || continue
    cur=$(cat "$path" 2>/dev/null) || continue
    if [ "$cur" = "$wrote" ]; then
      echo "$orig" > "$path" && echo "resetlab node agent: restored $path to $orig"
    else
      echo "resetlab node agent: left $path at $cur (resetlab wrote $wrote; it was changed since)"
    fi
  done < "$state"
  : > "$state"
}
trap 'restore; exit 0' TERM INT
left=$RESETLAB_LIFETIME_SEC
echo "resetlab node agent: up for $RESETLAB_LIFETIME_SEC s"
while [ "$left" -gt 0 ]; do sleep 1; left=$((left - 1)); done
restore
`;

/** One line of the undo file: `argv` quoted for `sh -c` (each word single-quoted). Pure. */
export function undoLine(argv: readonly string[]): string {
  if (argv.length === 0 || argv.some((a) => a.includes('\n'))) throw new Error('failed to record an undo command: empty, or a word with a newline');
  return argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
}

/** `net.netfilter.nf_conntrack_tcp_be_liberal` -> `/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal`. Pure. */
export function sysctlPath(key: string): string {
  if (!/^[\w-]+(\.[\w-]+)+$/.test(key)) throw new Error(`failed to map sysctl "${key}" to a /proc/sys path`);
  return `/proc/sys/${key.replaceAll('.', '/')}`;
}

/** One changed sysctl: the node's value before resetlab's first write, and resetlab's last write. */
export interface ChangedSysctl {
  key: string;
  original: number;
  written: number;
}

/** The state file's text for `changed` (see module doc). Pure. */
export function sysctlStateText(changed: readonly ChangedSysctl[]): string {
  return changed.map((c) => `${sysctlPath(c.key)} ${c.original} ${c.written}\n`).join('');
}

/** Whether a restore writes the original back: only when the value is still resetlab's. Pure. */
export function shouldRestore(current: number | undefined, c: ChangedSysctl): boolean {
  return current === c.written && current !== c.original;
}

/** Inputs of `nodeAgentPod`. */
export interface NodeAgentSpec {
  prefix: string;
  image: string;
  node: string;
  pullPolicy: 'Never' | 'IfNotPresent' | 'Always';
  /** The agent's lifetime (s): the run's upper bound plus a margin; it restores at the end. */
  lifetimeSec: number;
  tolerations?: Toleration[];
  /** CPU the agent requests (manifests.ts cpuRequestOf); absent: none. */
  cpuRequest?: string;
}

/** The node agent Pod (see module doc). Pure. */
export function nodeAgentPod(spec: NodeAgentSpec): Record<string, unknown> {
  const n = workloadNames(spec.prefix);
  const labels = { app: n.nodeAgent, [PREFIX_LABEL]: spec.prefix };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: n.nodeAgent, namespace: n.namespace, labels },
    spec: {
      ...pinTo(spec.node, 'node-name'),
      ...(spec.tolerations?.length ? { tolerations: spec.tolerations } : {}),
      hostNetwork: true,
      hostPID: true,
      restartPolicy: 'Never',
      // The kubelet ends the pod at its lifetime even if the shell's own sleep was lost; SIGTERM restores.
      activeDeadlineSeconds: spec.lifetimeSec + 60,
      terminationGracePeriodSeconds: NODE_AGENT_GRACE_SEC,
      containers: [
        {
          name: 'agent',
          image: spec.image,
          imagePullPolicy: spec.pullPolicy,
          command: ['sh', '-c', NODE_AGENT_SCRIPT],
          env: [{ name: 'RESETLAB_LIFETIME_SEC', value: String(spec.lifetimeSec) }],
          securityContext: { privileged: true },
          volumeMounts: [{ name: 'state', mountPath: NODE_AGENT_STATE_DIR }],
          ...cpuRequestOf(spec.cpuRequest),
        },
      ],
      volumes: [{ name: 'state', emptyDir: {} }],
    },
  };
}
