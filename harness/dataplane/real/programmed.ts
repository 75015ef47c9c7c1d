/**
 * Has kube-proxy programmed the Service we expect? Pure checks on what it wrote, read back
 * (never a sleep): in iptables mode `iptables-save -t nat` must lead the VIP:port (and the
 * NodePort) through KUBE-SVC-* to exactly one KUBE-SEP-* DNAT to the backend; in IPVS mode
 * `ipvsadm -Ln` must hold the virtual server with exactly the backend as real server, and
 * `iptables-save` the chains kube-proxy writes last in its sync (one iptables-restore after the
 * virtual servers and ipsets): KUBE-SERVICES' accept of KUBE-CLUSTER-IP and KUBE-FORWARD's
 * accept of marked packets. (A read between the two once showed the virtual servers with empty
 * chains, under heavy load in a guest.)
 * Returns the problems ([] = programmed as expected).
 */
import type { ServicePath } from '../../lab/netns/service-path.js';

interface NatRule {
  chain: string;
  text: string;
}

function tableRules(save: string, wanted: string): NatRule[] {
  const out: NatRule[] = [];
  let table = '';
  for (const raw of save.split('\n')) {
    const line = raw.replace(/^\[\d+:\d+\]\s+/, '').trim();
    if (line.startsWith('*')) table = line.slice(1);
    const m = /^-A (\S+) (.*)$/.exec(line);
    if (m && table === wanted) out.push({ chain: m[1]!, text: m[2]! });
  }
  return out;
}

const natRules = (save: string) => tableRules(save, 'nat');

const target = (r: NatRule) => /-j (\S+)/.exec(r.text)?.[1] ?? '';

/** Problems with the iptables-mode programming of `p` (see module comment). */
export function iptablesProgramProblems(save: string, p: ServicePath): string[] {
  const rules = natRules(save);
  const problems: string[] = [];
  const toSvc = rules.find((r) => r.chain === 'KUBE-SERVICES' && r.text.includes(`-d ${p.vip}/32`) && r.text.includes(`--dport ${p.servicePort}`) && target(r).startsWith('KUBE-SVC-'));
  if (!toSvc) return [`no KUBE-SERVICES rule for ${p.vip}:${p.servicePort} yet`];
  const svc = target(toSvc);
  const seps = rules.filter((r) => r.chain === svc && target(r).startsWith('KUBE-SEP-')).map(target);
  if (seps.length !== 1) return [`${svc} has ${seps.length} endpoints, expected 1`];
  const dnat = rules.filter((r) => r.chain === seps[0] && /-j DNAT/.test(r.text));
  const dest = dnat.map((r) => /--to-destination (\S+)/.exec(r.text)?.[1]);
  if (dest.length !== 1 || dest[0] !== `${p.backend.ip}:${p.backend.port}`) problems.push(`${seps[0]} DNATs to ${dest.join(', ') || 'nothing'}, expected ${p.backend.ip}:${p.backend.port}`);
  if (p.nodePort) {
    const np = rules.find((r) => r.chain === 'KUBE-NODEPORTS' && r.text.includes(`--dport ${p.nodePort}`) && (target(r) === svc || target(r).startsWith('KUBE-EXT-')));
    if (!np) problems.push(`no KUBE-NODEPORTS rule for port ${p.nodePort} yet`);
  }
  return problems;
}

/** Problems with the IPVS-mode programming of `p`: `ipvsadm -Ln` and `iptables-save` (both tables). */
export function ipvsProgramProblems(ipvsadm: string, p: ServicePath, save: string): string[] {
  const services = new Map<string, string[]>();
  let current: string | null = null;
  for (const line of ipvsadm.split('\n')) {
    const vs = /^TCP\s+(\S+)\s/.exec(line.trim());
    if (vs) {
      current = vs[1]!;
      services.set(current, []);
      continue;
    }
    const rs = /^->\s+(\d+\.\d+\.\d+\.\d+:\d+)\s/.exec(line.trim());
    if (rs && current) services.get(current)!.push(rs[1]!);
  }
  const want = `${p.backend.ip}:${p.backend.port}`;
  const check = (vs: string) => {
    const real = services.get(vs);
    if (!real) return [`no IPVS virtual server ${vs} yet`];
    return real.length === 1 && real[0] === want ? [] : [`IPVS ${vs} has real servers ${real.join(', ') || 'none'}, expected ${want}`];
  };
  const chains: string[] = [];
  if (!natRules(save).some((r) => r.chain === 'KUBE-SERVICES' && /--match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT$/.test(r.text))) chains.push('no KUBE-SERVICES accept of KUBE-CLUSTER-IP yet');
  if (!tableRules(save, 'filter').some((r) => r.chain === 'KUBE-FORWARD' && /-m mark --mark 0x4000\/0x4000 -j ACCEPT$/.test(r.text))) chains.push('no KUBE-FORWARD rules yet');
  return [...check(`${p.vip}:${p.servicePort}`), ...(p.nodePort ? check(`${p.nodeIps[0]}:${p.nodePort}`) : []), ...chains];
}

/** `sysctl -a` output as a map of `net.*` keys (pure). */
export function parseNetSysctls(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(net\.\S+)\s*=\s*(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

/**
 * The `net.*` sysctls that differ between two readings: `{ key: { before, after } }` (pure).
 * Per-interface keys of an interface that did not exist before (kube-proxy's kube-ipvs0) are
 * the new link's defaults, not changes: they are summarised as one `<prefix>.<if>.*` entry.
 */
export function changedSysctls(before: Map<string, string>, after: Map<string, string>): Record<string, { before: string | null; after: string | null }> {
  const out: Record<string, { before: string | null; after: string | null }> = {};
  const newIf = (key: string) => /^net\.ipv[46]\.(conf|neigh)\.([^.]+)\./.exec(key);
  const known = new Set([...before.keys()].map((k) => newIf(k)?.[2]).filter(Boolean));
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const [b, a] = [before.get(key) ?? null, after.get(key) ?? null];
    if (b === a) continue;
    const m = b === null ? newIf(key) : null;
    if (m && !known.has(m[2])) {
      out[`net.*.${m[2]}.* (new interface)`] = { before: null, after: 'created' };
      continue;
    }
    out[key] = { before: b, after: a };
  }
  return out;
}
