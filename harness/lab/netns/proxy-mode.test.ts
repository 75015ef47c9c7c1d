import { describe, expect, it } from 'vitest';
import { ExitCode, UnsupportedError } from '../../errors.js';
import { chooseProxyMode, type ProxyFacts } from './proxy-mode.js';

type Requested = Parameters<typeof chooseProxyMode>[0];
const ALL: ProxyFacts = { ipVsLoaded: true, ipvsadm: true, nft: true, iptables: true };
const NONE: ProxyFacts = { ipVsLoaded: false, ipvsadm: false, nft: false, iptables: false };

describe('chooseProxyMode', () => {
  it.each<[Requested, Partial<ProxyFacts>, 'ipvs' | 'iptables' | 'nftables', RegExp]>([
    ['auto', {}, 'ipvs', /^auto: kernel ip_vs and ipvsadm present, so real IPVS$/],
    ['auto', { ipVsLoaded: false }, 'iptables', /^auto: IPVS unavailable \(the kernel has no ip_vs loaded \(resetlab does not load modules\)\); used iptables DNAT/],
    ['auto', { ipVsLoaded: false, ipvsadm: false }, 'iptables', /no ip_vs loaded/],
    ['auto', { ipvsadm: false }, 'iptables', /IPVS unavailable \(ipvsadm is not installed\)/],
    ['ipvs', {}, 'ipvs', /^requested ipvs; kernel ip_vs and ipvsadm present$/],
    ['iptables', {}, 'iptables', /^requested iptables$/],
    ['iptables', { ipVsLoaded: false, ipvsadm: false }, 'iptables', /^requested iptables$/],
    ['nftables', {}, 'nftables', /^requested nftables$/],
    ['nftables', { ipVsLoaded: false }, 'nftables', /^requested nftables$/],
  ])('%s with %o -> %s', (requested, facts, mode, reason) => {
    const chosen = chooseProxyMode(requested, { ...ALL, ...facts });
    expect(chosen.mode).toBe(mode);
    expect(chosen.reason).toMatch(reason);
  });

  it.each<[Requested, Partial<ProxyFacts>, RegExp]>([
    ['ipvs', { ipVsLoaded: false }, /^proxyMode ipvs cannot run here: the kernel has no ip_vs loaded .*; use proxyMode: auto or iptables$/],
    ['ipvs', { ipvsadm: false }, /^proxyMode ipvs cannot run here: ipvsadm is not installed; use proxyMode: auto or iptables$/],
    ['ipvs', { ...NONE, nft: true }, /no ip_vs loaded/],
    ['ipvs', { iptables: false }, /iptables is not installed \(needed for the masquerade and INVALID-drop rules beside IPVS\)/],
    ['nftables', { nft: false }, /^the evidence counters need nft, which is not installed/],
    ['iptables', { nft: false }, /^the evidence counters need nft/],
    ['auto', NONE, /^the evidence counters need nft/],
    ['iptables', { iptables: false }, /^proxyMode iptables cannot run here: iptables is not installed/],
    ['auto', { ipVsLoaded: false, iptables: false }, /^no proxy data plane available: neither ip_vs nor iptables/],
    ['auto', { iptables: false }, /^no proxy data plane available/],
  ])('%s with %o throws UnsupportedError (exit 2)', (requested, facts, message) => {
    let error: unknown;
    try {
      chooseProxyMode(requested, { ...ALL, ...facts });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).exitCode).toBe(ExitCode.invalidInput);
    expect((error as Error).message).toMatch(message);
  });

  it('never calls iptables "ipvs": without ip_vs, auto is never ipvs whatever else is present', () => {
    for (const ipvsadm of [true, false]) {
      expect(chooseProxyMode('auto', { ipVsLoaded: false, ipvsadm, nft: true, iptables: true }).mode).toBe('iptables');
    }
  });
});
