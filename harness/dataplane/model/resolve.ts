/**
 * What a kube-proxy of a given version and mode writes on node-a, decided from `versions.ts`
 * (pure): whether the INVALID drop is there and why, the mark op and KUBE-FORWARD shape, the
 * deprecation notice, and every cited fact behind them. `dropInvalid: auto` means "as that
 * version does"; `true`/`false` are lab overrides and say so.
 *
 * "be_liberal at kube-proxy start" is the node's nf_conntrack_tcp_be_liberal when kube-proxy
 * started (v1.29+ iptables mode reads it once in NewProxier), not the arm's value: a node whose
 * sysctl.d file sets it before nf_conntrack is loaded starts kube-proxy with 0 (the modules-load
 * trap `resetlab node prove` shows), and kube-proxy then writes the drop for good.
 */
import { FACTS, citeText, holds, type KubeProxyVersion } from './versions.js';

/** A proxy mode kube-proxy has on Linux. */
export type ProxyMode = 'iptables' | 'nftables' | 'ipvs';

/** What a scenario asks of kube-proxy. */
export interface KubeProxyRequest {
  version: KubeProxyVersion;
  /** `auto`: as the version does; `true`/`false`: lab override. */
  dropInvalid: 'auto' | boolean;
  /** nf_conntrack_tcp_be_liberal on node-a when kube-proxy started. */
  beLiberalAtStart: 0 | 1;
}

/** The decided data plane, recorded in the result as `environment.kubeProxy`. */
export interface KubeProxyPlan {
  version: string;
  mode: ProxyMode;
  beLiberalAtStart: 0 | 1;
  /** The INVALID drop is written (in KUBE-FORWARD, or nftables' filter-forward). */
  dropInvalid: boolean;
  /** `kube-proxy`: the version's own behaviour (auto); `lab override`: the scenario forced it. */
  dropInvalidBy: 'kube-proxy' | 'lab override';
  /** One sentence: why the drop is or is not there, with its source. */
  dropInvalidReason: string;
  markOp: 'or' | 'set-xmark';
  forwardConntrack: 'single' | 'pod-source-and-destination';
  /** A one-line notice when upstream deprecated this mode at this version, else null. */
  deprecation: string | null;
}

/** The command that compares IPVS with nftables on the same kernel (printed by the notice). */
export const MIGRATION_COMMAND = 'resetlab check --kube-proxy-mode ipvs,nftables';

/** Why a mode cannot exist at a version (nftables before v1.29), else undefined. */
export function modeProblem(mode: string, v: KubeProxyVersion): string | undefined {
  if (mode === 'nftables' && !holds('nftablesMode', v)) {
    return `kube-proxy ${v.text} has no nftables mode (alpha in v1.29, beta v1.31, GA v1.33; ${citeText('nftablesMode')})`;
  }
  return undefined;
}

/** What kube-proxy itself does about INVALID packets in `mode` at `v`. */
function ownDrop(mode: ProxyMode, r: KubeProxyRequest): { drop: boolean; reason: string } {
  const v = r.version;
  if (mode === 'nftables') return { drop: false, reason: `kube-proxy's nftables mode writes no INVALID drop (${citeText('nftablesNoDrop')})` };
  if (mode === 'ipvs') return { drop: false, reason: `kube-proxy's IPVS mode writes no INVALID drop; IPVS un-NATs from its own connection table (${citeText('ipvsNoDrop')})` };
  if (!holds('invalidDrop', v)) return { drop: false, reason: `kube-proxy ${v.text} predates the iptables INVALID drop (added in v1.15, ${citeText('invalidDrop')})` };
  if (!holds('invalidDropConditional', v)) {
    return { drop: true, reason: `kube-proxy ${v.text} iptables mode always writes -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP (v1.15 to v1.28, ${citeText('invalidDrop')})` };
  }
  return r.beLiberalAtStart === 0
    ? { drop: true, reason: `kube-proxy ${v.text} iptables mode writes -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP because be_liberal was 0 when it started (${citeText('invalidDropConditional')})` }
    : { drop: false, reason: `kube-proxy ${v.text} iptables mode skips the INVALID drop because be_liberal was 1 when it started (${citeText('invalidDropConditional')})` };
}

/** Decides the plan (pure). Callers validated `modeProblem` first. */
export function resolveKubeProxy(mode: ProxyMode, r: KubeProxyRequest): KubeProxyPlan {
  const own = ownDrop(mode, r);
  const override = r.dropInvalid !== 'auto';
  const drop = override ? r.dropInvalid === true : own.drop;
  const reason = override
    ? `lab override dropInvalid: ${String(r.dropInvalid)} (kube-proxy itself: ${own.drop ? 'drop' : 'no drop'}; ${own.reason})`
    : own.reason;
  return {
    version: r.version.text,
    mode,
    beLiberalAtStart: r.beLiberalAtStart,
    dropInvalid: drop,
    dropInvalidBy: override ? 'lab override' : 'kube-proxy',
    dropInvalidReason: reason,
    markOp: holds('orMark', r.version) ? 'or' : 'set-xmark',
    forwardConntrack: holds('singleForwardConntrack', r.version) ? 'single' : 'pod-source-and-destination',
    deprecation:
      mode === 'ipvs' && holds('ipvsDeprecated', r.version)
        ? `kube-proxy ${r.version.text}: upstream deprecated IPVS mode in v1.35 (${FACTS.ipvsDeprecated.cite.pr}) and points to nftables; see which paths start resetting: ${MIGRATION_COMMAND}`
        : null,
  };
}
