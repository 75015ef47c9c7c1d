/**
 * kube-proxy's command line for one Service path (pure), and the guard that refuses flags
 * writing state outside node-a's namespace. `--conntrack-max-per-core=0` keeps kube-proxy off
 * the global `nf_conntrack` hashsize (KNOWLEDGE.md §5); the conntrack timeouts at 0 leave
 * those sysctls as the arms set them.
 */
import type { ServicePath } from '../../lab/netns/service-path.js';

/** Modes a kube-proxy version can run (nftables from v1.29). */
export type RealProxyMode = 'iptables' | 'ipvs' | 'nftables';

/** Flags and the exact values they must have (or be absent with); anything else writes global state. */
export const GLOBAL_STATE_FLAGS: Record<string, { allowed: string; why: string }> = {
  '--conntrack-max-per-core': { allowed: '0', why: 'a non-zero value makes kube-proxy write /sys/module/nf_conntrack/parameters/hashsize, which is global' },
  '--conntrack-min': { allowed: '<unused>', why: 'sizes the global nf_conntrack table' },
  '--oom-score-adj': { allowed: '<unused>', why: 'not needed in a lab' },
  '--bind-address-hard-fail': { allowed: '<unused>', why: 'not needed in a lab' },
  '--cleanup': { allowed: '<unused>', why: 'flushes rules and exits' },
};

/** Problems with a kube-proxy argv (flags after the binary): each names the flag and why it is refused. Pure. */
export function globalStateProblems(args: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    const [flag, value] = arg.split('=', 2) as [string, string | undefined];
    const rule = GLOBAL_STATE_FLAGS[flag];
    if (flag === '--conntrack-max-per-core') seen.add(flag);
    if (!rule) continue;
    if (value !== rule.allowed) problems.push(`${arg}: refused, ${rule.why}`);
  }
  if (!seen.has('--conntrack-max-per-core')) problems.push(`--conntrack-max-per-core=0 is missing: ${GLOBAL_STATE_FLAGS['--conntrack-max-per-core']!.why}`);
  return problems;
}

/** The flags for `path` in `mode` (without the binary). */
export function kubeProxyArgs(o: { kubeconfig: string; mode: RealProxyMode; path: ServicePath; masqueradeAll: boolean; hostname: string; extra?: readonly string[] }): string[] {
  const p = o.path;
  return [
    `--kubeconfig=${o.kubeconfig}`,
    `--proxy-mode=${o.mode}`,
    `--cluster-cidr=${p.clusterCidr}`,
    `--hostname-override=${o.hostname}`,
    '--conntrack-max-per-core=0',
    '--conntrack-tcp-timeout-established=0',
    '--conntrack-tcp-timeout-close-wait=0',
    '--metrics-bind-address=127.0.0.1:10249',
    '--healthz-bind-address=127.0.0.1:10256',
    ...(o.masqueradeAll ? ['--masquerade-all'] : []),
    ...(p.nodePort ? [`--nodeport-addresses=${p.nodeIps.map((ip) => `${ip}/32`).join(',')}`] : []),
    '--v=2',
    ...(o.extra ?? []),
  ];
}
