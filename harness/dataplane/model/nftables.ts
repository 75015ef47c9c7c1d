/**
 * node-a's rules in nftables mode, shaped as kube-proxy's nftables proxier (v1.29+) writes them
 * for one Service with one endpoint (its verdict maps written out as plain rules): services
 * -> service-* (mark for masquerade when the source is outside the cluster CIDR, or always
 * with masqueradeAll) -> endpoint-* (hairpin mark, DNAT); NodePorts via external-* (mark);
 * `masquerading` in postrouting (`masquerade fully-random`). kube-proxy's nftables mode has
 * no INVALID drop; `dropInvalid` adds one for the lab. Pure text for `nft -f`.
 */
import { evidenceComments } from '../../lab/evidence.js';
import { MASQ_BIT, type ProxyKnobs } from './kube-proxy.js';
import type { ServicePath } from '../service.js';

/** `nft -f` input for node-a in nftables mode; the table is named after the run (`rl_0a1b2c`). */
export function nftablesProxyRules(prefix: string, p: ServicePath, k: ProxyKnobs): string {
  const c = evidenceComments(prefix);
  const table = prefix.replace(/-/g, '_');
  const ep = `${p.backend.ip}:${p.backend.port}`;
  const nodePortRules = p.nodePort
    ? [`    fib daddr type local ip daddr != 127.0.0.0/8 tcp dport ${p.nodePort} goto external-svc comment "${prefix}-nodeport"`]
    : [];
  return [
    `table ip ${table} {`,
    `  chain mark-for-masquerade { meta mark set meta mark or ${MASQ_BIT}; }`,
    '  chain masquerading {',
    `    meta mark & ${MASQ_BIT} == 0 return`,
    `    meta mark set meta mark xor ${MASQ_BIT}`,
    '    masquerade fully-random',
    '  }',
    '  chain endpoint-svc {',
    `    ip saddr ${p.backend.ip} jump mark-for-masquerade`,
    `    meta l4proto tcp dnat to ${ep} comment "${prefix}-svc"`,
    '  }',
    '  chain service-svc {',
    `    ip daddr ${p.vip} tcp dport ${p.servicePort} ${k.masquerade ? '' : `ip saddr != ${p.clusterCidr} `}jump mark-for-masquerade`,
    '    goto endpoint-svc',
    '  }',
    ...(p.nodePort ? ['  chain external-svc {', '    jump mark-for-masquerade', '    goto service-svc', '  }'] : []),
    '  chain services {',
    `    ip daddr ${p.vip} tcp dport ${p.servicePort} goto service-svc`,
    ...nodePortRules,
    '  }',
    '  chain nat-prerouting { type nat hook prerouting priority dstnat; policy accept; jump services; }',
    '  chain nat-output { type nat hook output priority -100; policy accept; jump services; }',
    '  chain nat-postrouting { type nat hook postrouting priority srcnat; policy accept; jump masquerading; }',
    '  chain filter-forward {',
    '    type filter hook forward priority filter; policy accept;',
    ...(k.dropInvalid ? [`    ct state invalid counter drop comment "${c.invalidDrop}"`] : []),
    '  }',
    '}',
    '',
  ].join('\n');
}
