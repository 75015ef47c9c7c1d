/**
 * node-a's rules in iptables mode, shaped as kube-proxy's iptables proxier writes them
 * for one Service with one endpoint: KUBE-SERVICES -> KUBE-SVC-* -> KUBE-SEP-* (DNAT), the
 * KUBE-MARK-MASQ mark for sources outside the cluster CIDR (or every source with
 * masqueradeAll), for the endpoint reaching itself (hairpin) and for NodePort traffic
 * (KUBE-NODEPORTS -> KUBE-EXT-*), MASQUERADE --random-fully in KUBE-POSTROUTING, and
 * KUBE-FORWARD (its INVALID drop only with `dropInvalid`). The version-dependent lines (mark op,
 * KUBE-FORWARD's conntrack accepts, the drop) come in `ProxyKnobs` (see versions.ts). The chain
 * layout is today's for every version. The drop rule carries the run's counter comment, the
 * lab's one addition, so `invalidDropped` can be read back. Pure text for `iptables-restore`.
 */
import { evidenceComments } from '../../lab/evidence.js';
import { MASQ_BIT, MASQ_MARK, chainTag, serviceName, type ProxyKnobs } from './kube-proxy.js';
import type { ServicePath } from '../service.js';

const q = (s: string) => `"${s}"`;

/** KUBE-POSTROUTING and KUBE-MARK-MASQ as kube-proxy writes them (shared with IPVS mode). */
export function masqueradeChainRules(k: Pick<ProxyKnobs, 'markOp'> = {}): string[] {
  return [
    k.markOp === 'set-xmark' ? `-A KUBE-MARK-MASQ -j MARK --set-xmark ${MASQ_MARK}` : `-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQ_BIT}`,
    `-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQ_BIT}`,
    `-A KUBE-POSTROUTING -m comment --comment ${q('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`,
  ];
}

/** KUBE-FORWARD as kube-proxy writes it; the INVALID drop first, carrying the run's counter comment, when asked. */
export function forwardChainRules(prefix: string, k: ProxyKnobs, _clusterCidr: string): string[] {
  const established = '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT';
  return [
    ...(k.dropInvalid ? [`-A KUBE-FORWARD -m conntrack --ctstate INVALID -m comment --comment ${evidenceComments(prefix).invalidDrop} -j DROP`] : []),
    `-A KUBE-FORWARD -m comment --comment ${q('kubernetes forwarding rules')} -m mark --mark ${MASQ_MARK} -j ACCEPT`,
    ...(k.forwardConntrack === 'pod-source-and-destination'
      ? [
          `-A KUBE-FORWARD -m comment --comment ${q('kubernetes forwarding conntrack pod source rule')} ${established}`,
          `-A KUBE-FORWARD -m comment --comment ${q('kubernetes forwarding conntrack pod destination rule')} ${established}`,
        ]
      : [`-A KUBE-FORWARD -m comment --comment ${q('kubernetes forwarding conntrack rule')} ${established}`]),
  ];
}

/** `iptables-restore` input for node-a in iptables mode. */
export function iptablesProxyRules(prefix: string, p: ServicePath, k: ProxyKnobs): string {
  const tag = chainTag(prefix);
  const svc = serviceName(prefix);
  const [SVC, SEP, EXT] = [`KUBE-SVC-${tag}`, `KUBE-SEP-${tag}`, `KUBE-EXT-${tag}`];
  const vipMatch = `-d ${p.vip}/32 -p tcp -m comment --comment ${q(`${svc} cluster IP`)} -m tcp --dport ${p.servicePort}`;
  const ep = `${p.backend.ip}:${p.backend.port}`;
  const nat = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ...['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ', SVC, SEP, ...(p.nodePort ? [EXT] : [])].map((c) => `:${c} - [0:0]`),
    `-A PREROUTING -m comment --comment ${q('kubernetes service portals')} -j KUBE-SERVICES`,
    `-A OUTPUT -m comment --comment ${q('kubernetes service portals')} -j KUBE-SERVICES`,
    `-A POSTROUTING -m comment --comment ${q('kubernetes postrouting rules')} -j KUBE-POSTROUTING`,
    ...masqueradeChainRules(k),
    `-A KUBE-SERVICES ${vipMatch} -j ${SVC}`,
    `-A KUBE-SERVICES -m comment --comment ${q('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`,
    `-A ${SVC} ${k.masquerade ? '' : `! -s ${p.clusterCidr} `}${vipMatch} -j KUBE-MARK-MASQ`,
    `-A ${SVC} -m comment --comment ${q(`${svc} -> ${ep}`)} -j ${SEP}`,
    `-A ${SEP} -s ${p.backend.ip}/32 -m comment --comment ${q(svc)} -j KUBE-MARK-MASQ`,
    `-A ${SEP} -p tcp -m comment --comment ${q(svc)} -m tcp -j DNAT --to-destination ${ep}`,
    ...(p.nodePort
      ? [
          `-A KUBE-NODEPORTS -p tcp -m comment --comment ${q(svc)} -m tcp --dport ${p.nodePort} -j ${EXT}`,
          `-A ${EXT} -m comment --comment ${q(`masquerade traffic for ${svc} external destinations`)} -j KUBE-MARK-MASQ`,
          `-A ${EXT} -j ${SVC}`,
        ]
      : []),
    'COMMIT',
  ];
  const filter = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':KUBE-FORWARD - [0:0]',
    `-A FORWARD -m comment --comment ${q('kubernetes forwarding rules')} -j KUBE-FORWARD`,
    ...forwardChainRules(prefix, k, p.clusterCidr),
    'COMMIT',
    '',
  ];
  return [...nat, ...filter].join('\n');
}
