/**
 * Chooses the data plane for the netns driver and says why. Real IPVS only where the
 * kernel already has `ip_vs` (resetlab never loads kernel modules: that would change the
 * host) and `ipvsadm` exists; otherwise iptables DNAT, never called "ipvs".
 */
import { setupHint } from '../setup-hint.js';
import { existsSync } from 'node:fs';
import { UnsupportedError } from '../../errors.js';
import { moduleAvailableWithoutLoading } from '../kernel-modules.js';
import type { LabTopology } from '../topology.js';

/** Facts about the host that decide the proxy mode (read-only checks). */
export interface ProxyFacts {
  ipVsLoaded: boolean;
  ipvsadm: boolean;
  nft: boolean;
  iptables: boolean;
  /** `ipset` is installed (kube-proxy's IPVS mode matches ipsets). Absent: not checked. */
  ipset?: boolean;
  /** The `dummy` link type is loaded or built in (IPVS mode's `kube-ipvs0`). Absent: not checked. */
  dummy?: boolean;
}

/** Reads the facts from /sys and PATH (no side effects). */
export function readProxyFacts(): ProxyFacts {
  const onPath = (bin: string) =>
    (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')
      .split(':')
      .concat(['/usr/sbin', '/sbin'])
      .some((dir) => existsSync(`${dir}/${bin}`));
  return {
    ipVsLoaded: moduleAvailableWithoutLoading('ip_vs') || existsSync('/proc/net/ip_vs'),
    ipvsadm: onPath('ipvsadm'),
    nft: onPath('nft'),
    iptables: onPath('iptables') && onPath('iptables-restore'),
    ipset: onPath('ipset'),
    dummy: moduleAvailableWithoutLoading('dummy'),
  };
}

/** Decides the mode; throws `UnsupportedError` (exit 2) when an explicit mode cannot run here. */
export function chooseProxyMode(
  requested: LabTopology['proxyMode'],
  f: ProxyFacts,
): { mode: 'ipvs' | 'iptables' | 'nftables'; reason: string } {
  // The evidence counters are nftables rules in every mode; IPVS mode also needs iptables for its companion rules.
  if (!f.nft) throw new UnsupportedError(`the evidence counters need nft, which is not installed (${setupHint(['nftables'])})`);
  const ipvsMissing = !f.ipVsLoaded
    ? 'the kernel has no ip_vs loaded (resetlab does not load modules)'
    : !f.ipvsadm
      ? 'ipvsadm is not installed'
      : !f.iptables
        ? 'iptables is not installed (needed for the masquerade and INVALID-drop rules beside IPVS)'
        : f.ipset === false
          ? `ipset is not installed (kube-proxy IPVS mode matches ipsets; ${setupHint(['ipset'])})`
          : f.dummy === false
            ? 'the kernel has no dummy interface type loaded (kube-proxy binds Service addresses to the dummy kube-ipvs0)'
            : null;
  if (requested === 'ipvs') {
    if (ipvsMissing) throw new UnsupportedError(`proxyMode ipvs cannot run here: ${ipvsMissing}; use proxyMode: auto or iptables`);
    return { mode: 'ipvs', reason: 'requested ipvs; kernel ip_vs and ipvsadm present' };
  }
  if (requested === 'nftables') {
    if (!f.nft) throw new UnsupportedError(`proxyMode nftables cannot run here: nft is not installed (${setupHint(['nftables'])})`);
    return { mode: 'nftables', reason: 'requested nftables' };
  }
  if (requested === 'iptables') {
    if (!f.iptables) throw new UnsupportedError(`proxyMode iptables cannot run here: iptables is not installed (${setupHint(['iptables'])})`);
    return { mode: 'iptables', reason: 'requested iptables' };
  }
  if (!ipvsMissing) return { mode: 'ipvs', reason: 'auto: kernel ip_vs and ipvsadm present, so real IPVS' };
  if (!f.iptables) throw new UnsupportedError(`no proxy data plane available: neither ip_vs nor iptables (${setupHint(['iptables'])})`);
  return { mode: 'iptables', reason: `auto: IPVS unavailable (${ipvsMissing}); used iptables DNAT instead, as kube-proxy iptables mode does` };
}
