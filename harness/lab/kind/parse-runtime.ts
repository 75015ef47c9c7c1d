/**
 * Pure parsers for the container and cluster tooling the kind driver reads: `ipvsadm -Ln`,
 * `crictl inspectp` (a pod sandbox's pid, hence its network namespace), `kind get clusters`,
 * and the tab-separated lines printed by the driver's kubectl jsonpath queries. Each throws
 * "failed to parse <source>: ..." on input it does not understand.
 */

/** A real server behind an IPVS virtual server. */
export interface IpvsRealServer {
  address: string;
  forward: string;
  weight: number;
  activeConn: number;
  inActConn: number;
}

/** One IPVS virtual server: `TCP  10.96.0.10:80 rr` and its real servers. */
export interface IpvsVirtualServer {
  protocol: string;
  address: string;
  scheduler: string;
  /** Anything after the scheduler (`persistent 10800`, flags), trimmed. */
  flags: string;
  reals: IpvsRealServer[];
}

function fail(source: string, message: string, lineNo?: number): Error {
  return new Error(`failed to parse ${source}: ${lineNo === undefined ? '' : `line ${lineNo}: `}${message}`);
}

/** Parses `ipvsadm -Ln` (numeric). Throws on a real server before any virtual server or an unknown line. */
export function parseIpvsadm(text: string): IpvsVirtualServer[] {
  const source = 'ipvsadm -Ln output';
  const out: IpvsVirtualServer[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('IP Virtual Server') || line.startsWith('Prot LocalAddress') || line.startsWith('-> RemoteAddress')) return;
    const vs = /^(TCP|UDP|SCTP|FWM)\s+(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (vs) {
      out.push({ protocol: vs[1]!, address: vs[2]!, scheduler: vs[3]!, flags: vs[4]!.trim(), reals: [] });
      return;
    }
    const rs = /^->\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(line);
    if (!rs) throw fail(source, `unrecognised line "${line}"`, i + 1);
    const current = out.at(-1);
    if (!current) throw fail(source, 'real server before any virtual server', i + 1);
    current.reals.push({ address: rs[1]!, forward: rs[2]!, weight: Number(rs[3]), activeConn: Number(rs[4]), inActConn: Number(rs[5]) });
  });
  return out;
}

/** What the driver needs from a pod sandbox. */
export interface SandboxFacts {
  /** The sandbox (pause) process, as seen from the kind node's PID namespace. */
  pid: number;
  /** `/proc/<pid>/ns/net`: the pod's network namespace, from inside the node (or a container sharing its PID namespace). */
  netnsPath: string;
  /** The pod IP as the runtime reports it, or null. */
  ip: string | null;
  state: string;
}

/**
 * Parses `ctr -n k8s.io tasks ls` (columns TASK, PID, STATUS) into task id -> pid and status:
 * where a node image has no crictl (resetlab's offline image: Debian has no cri-tools), the
 * sandbox's task gives the pause process, whose netns is the pod's.
 */
export function parseCtrTasks(text: string): Map<string, { pid: number; status: string }> {
  const out = new Map<string, { pid: number; status: string }>();
  for (const line of text.split('\n').slice(1)) {
    const [id, pid, status] = line.trim().split(/\s+/);
    if (id && pid && /^\d+$/.test(pid) && Number(pid) > 0) out.set(id, { pid: Number(pid), status: status ?? 'UNKNOWN' });
  }
  return out;
}

/** Parses `crictl inspectp <sandbox>` JSON (containerd CRI: `status` + `info.pid`). */
export function parseCrictlInspectp(text: string): SandboxFacts {
  const source = 'crictl inspectp output';
  let doc: { status?: { state?: unknown; network?: { ip?: unknown } }; info?: { pid?: unknown } };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    throw fail(source, 'not JSON');
  }
  const pid = doc.info?.pid;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) throw fail(source, 'no info.pid (is this a containerd CRI runtime?)');
  const ip = doc.status?.network?.ip;
  return {
    pid,
    netnsPath: `/proc/${pid}/ns/net`,
    ip: typeof ip === 'string' && ip !== '' ? ip : null,
    state: typeof doc.status?.state === 'string' ? doc.status.state : 'unknown',
  };
}

/** Parses `kind get clusters` stdout (one name a line; "No kind clusters found." goes to stderr). */
export function parseKindClusters(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^No kind clusters found/.test(l));
}

/** Lines of `iptables-save` that carry a conntrack INVALID match (kube-proxy's KUBE-FORWARD drop, ours). */
export function invalidRules(iptablesSave: string): string[] {
  return iptablesSave
    .split('\n')
    .map((l) => l.trim().replace(/^\[\d+:\d+\]\s+/, ''))
    .filter((l) => l.startsWith('-A ') && /--ctstate (?:\S*,)?INVALID/.test(l));
}

/** Lines of `nft list ruleset` that match `ct state invalid`, trimmed. */
export function nftInvalidRules(ruleset: string): string[] {
  return ruleset
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /ct state (?:\{[^}]*\binvalid\b[^}]*\}|invalid)/.test(l));
}
