/**
 * The initial network namespace's state, as the "host untouched" tests compare it:
 * `iptables-save`, `nft list ruleset`, `ip route`, `ip link`, `sysctl -a` and the names of
 * loaded kernel modules. Keys that the
 * kernel changes by itself all the time (dentry/inode/file counts, last pid, random uuid,
 * entropy, conntrack count) are left out of the sysctl comparison; nothing else is.
 */
import { execa } from 'execa';

/** sysctl keys whose values move on their own; documented so the comparison stays honest. */
export const VOLATILE_SYSCTLS =
  /^(fs\.(dentry-state|file-nr|inode-nr|inode-state)|kernel\.(ns_last_pid|random\.(uuid|entropy_avail|boot_id))|net\.netfilter\.nf_conntrack_count|fs\.quota\.)/;

/** One snapshot of the host namespace. */
export type HostState = Record<'iptables' | 'nft' | 'route' | 'link' | 'sysctl' | 'modules', string>;

async function out(cmd: string, args: string[]): Promise<string> {
  const r = await execa(cmd, args, { reject: false });
  return `${r.exitCode}\n${r.stdout}`;
}

/** Reads the host state (must run in the initial network namespace). */
export async function snapshotHost(): Promise<HostState> {
  const [iptables, nft, route, link, sysctl, modules] = await Promise.all([
    out('iptables-save', []).then((t) => t.split('\n').filter((l) => !l.startsWith('#')).join('\n')),
    out('nft', ['list', 'ruleset']),
    out('ip', ['route', 'show', 'table', 'all']),
    out('ip', ['-o', 'link']),
    out('sysctl', ['-a']).then((t) =>
      t.split('\n').filter((l) => !VOLATILE_SYSCTLS.test(l)).sort().join('\n'),
    ),
    // Loaded module names (use counts move; names must not change).
    out('cat', ['/proc/modules']).then((t) => t.split('\n').map((l) => l.split(' ')[0]).sort().join('\n')),
  ]);
  return { iptables, nft, route, link, sysctl, modules };
}

/** Lines that differ between two snapshots, per part (empty object when identical). */
export function diffHost(a: HostState, b: HostState): Record<string, string[]> {
  const diff: Record<string, string[]> = {};
  for (const key of Object.keys(a) as (keyof HostState)[]) {
    const before = new Set(a[key].split('\n'));
    const after = new Set(b[key].split('\n'));
    const changed = [
      ...[...before].filter((l) => !after.has(l)).map((l) => `- ${l}`),
      ...[...after].filter((l) => !before.has(l)).map((l) => `+ ${l}`),
    ];
    if (changed.length > 0) diff[key] = changed;
  }
  return diff;
}
