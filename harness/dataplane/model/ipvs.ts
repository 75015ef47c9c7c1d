/**
 * node-a's data plane in IPVS mode, as kube-proxy's IPVS proxier builds it for one
 * Service with one endpoint: the ClusterIP on the dummy interface `kube-ipvs0` (left down,
 * as kube-proxy leaves it), virtual servers in NAT (masq) mode for the ClusterIP and, for a
 * NodePort, for each node address; every ipset of kube-proxy's ipsetInfo, created even when
 * empty as syncProxyRules does (KUBE-CLUSTER-IP, KUBE-LOOP-BACK for local endpoints,
 * KUBE-NODE-PORT-TCP filled; the rest empty); and its iptables chains KUBE-SERVICES,
 * KUBE-NODE-PORT, KUBE-LOAD-BALANCER, KUBE-MARK-MASQ, KUBE-POSTROUTING (hairpin masquerade via
 * KUBE-LOOP-BACK, then the marked MASQUERADE --random-fully) and KUBE-FORWARD. The chains,
 * rules and sets later versions added (the health-check KUBE-NODE-PORT filter v1.21,
 * KUBE-PROXY-FIREWALL v1.25 in place of nat KUBE-FIREWALL, KUBE-IPVS-FILTER and the localhost
 * RETURN v1.26, KUBE-IPVS-OUT-FILTER v1.29) follow the version (`ipvsFlavour`, versions.ts);
 * v1.20's were checked against the real v1.20.2 binary (resetlab kube-proxy conformance).
 * kube-proxy's IPVS mode has no INVALID drop; `dropInvalid` adds one for the lab. Pure argv and text.
 */
import type { IpvsFlavour, ProxyKnobs } from './kube-proxy.js';
import { holds, MODELLED_MINORS, type KubeProxyVersion } from './versions.js';
import { forwardChainRules, masqueradeChainRules } from './iptables.js';
import type { ServicePath } from '../service.js';

/** The dummy interface kube-proxy binds Service addresses to. */
export const IPVS_DUMMY = 'kube-ipvs0';

const q = (s: string) => `"${s}"`;

/** IPVS mode's version-dependent parts at `v` (pure). */
export function ipvsFlavour(v: KubeProxyVersion): IpvsFlavour {
  return {
    healthCheckNodePort: holds('ipvsHealthCheckNodePort', v),
    proxyFirewall: holds('ipvsProxyFirewall', v),
    accessFilter: holds('ipvsAccessFilter', v),
    localhostReturn: holds('ipvsLocalhostReturn', v),
    outFilter: holds('ipvsOutFilter', v),
    externalLocalReturn: holds('ipvsExternalLocalReturn', v),
  };
}

/** The newest modelled version's flavour: what the builders write when no version is given. */
const CURRENT: IpvsFlavour = ipvsFlavour({ minor: MODELLED_MINORS.newest, text: `v1.${MODELLED_MINORS.newest}` });

/** `ip` and `ipvsadm` argv, in order: dummy link, VIP on it, virtual servers and their real server (masq). */
export function ipvsCommands(p: ServicePath): string[][] {
  const frontends = [`${p.vip}:${p.servicePort}`, ...(p.nodePort ? p.nodeIps.map((ip) => `${ip}:${p.nodePort}`) : [])];
  return [
    ['ip', 'link', 'add', IPVS_DUMMY, 'type', 'dummy'],
    ['ip', 'addr', 'add', `${p.vip}/32`, 'dev', IPVS_DUMMY],
    ...frontends.flatMap((vs) => [
      ['ipvsadm', '-A', '-t', vs, '-s', 'rr'],
      ['ipvsadm', '-a', '-t', vs, '-r', `${p.backend.ip}:${p.backend.port}`, '-m', '-w', '1'],
    ]),
  ];
}

/** `ipset restore` input: every set of kube-proxy's ipsetInfo (pkg/proxy/ipvs/proxier.go), filled for this Service. */
export function ipvsIpsets(p: ServicePath, f: IpvsFlavour = CURRENT): string {
  const hash = (name: string, type: string) => `create ${name} ${type} family inet hashsize 1024 maxelem 65536`;
  const bitmap = (name: string) => `create ${name} bitmap:port range 0-65535`;
  return [
    hash('KUBE-LOOP-BACK', 'hash:ip,port,ip'),
    ...(p.backendLocal ? [`add KUBE-LOOP-BACK ${p.backend.ip},tcp:${p.backend.port},${p.backend.ip}`] : []),
    hash('KUBE-CLUSTER-IP', 'hash:ip,port'),
    `add KUBE-CLUSTER-IP ${p.vip},tcp:${p.servicePort}`,
    hash('KUBE-EXTERNAL-IP', 'hash:ip,port'),
    hash('KUBE-EXTERNAL-IP-LOCAL', 'hash:ip,port'),
    hash('KUBE-LOAD-BALANCER', 'hash:ip,port'),
    hash('KUBE-LOAD-BALANCER-FW', 'hash:ip,port'),
    hash('KUBE-LOAD-BALANCER-LOCAL', 'hash:ip,port'),
    hash('KUBE-LOAD-BALANCER-SOURCE-IP', 'hash:ip,port,ip'),
    hash('KUBE-LOAD-BALANCER-SOURCE-CIDR', 'hash:ip,port,net'),
    bitmap('KUBE-NODE-PORT-TCP'),
    ...(p.nodePort ? [`add KUBE-NODE-PORT-TCP ${p.nodePort}`] : []),
    bitmap('KUBE-NODE-PORT-LOCAL-TCP'),
    bitmap('KUBE-NODE-PORT-UDP'),
    bitmap('KUBE-NODE-PORT-LOCAL-UDP'),
    hash('KUBE-NODE-PORT-SCTP-HASH', 'hash:ip,port'),
    hash('KUBE-NODE-PORT-LOCAL-SCTP-HASH', 'hash:ip,port'),
    ...(f.healthCheckNodePort ? [bitmap('KUBE-HEALTH-CHECK-NODE-PORT')] : []),
    ...(f.accessFilter ? [hash('KUBE-IPVS-IPS', 'hash:ip'), `add KUBE-IPVS-IPS ${p.vip}`] : []),
    '',
  ].join('\n');
}

/** `iptables-restore` input: kube-proxy IPVS mode's nat and filter chains. */
export function ipvsIptablesRules(prefix: string, p: ServicePath, k: ProxyKnobs): string {
  const f = k.ipvs ?? CURRENT;
  const nat = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ...['KUBE-SERVICES', 'KUBE-POSTROUTING', 'KUBE-NODE-PORT', 'KUBE-LOAD-BALANCER', 'KUBE-MARK-MASQ', ...(f.proxyFirewall ? [] : ['KUBE-FIREWALL', 'KUBE-MARK-DROP'])].map((c) => `:${c} - [0:0]`),
    `-A PREROUTING -m comment --comment ${q('kubernetes service portals')} -j KUBE-SERVICES`,
    `-A OUTPUT -m comment --comment ${q('kubernetes service portals')} -j KUBE-SERVICES`,
    `-A POSTROUTING -m comment --comment ${q('kubernetes postrouting rules')} -j KUBE-POSTROUTING`,
    ...(p.backendLocal
      ? [`-A KUBE-POSTROUTING -m comment --comment ${q('Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose')} -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE`]
      : []),
    ...masqueradeChainRules(k),
    ...(p.nodePort
      ? [`-A KUBE-NODE-PORT -p tcp -m comment --comment ${q('Kubernetes nodeport TCP port for masquerade purpose')} -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ`]
      : []),
    `-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ`,
    // Before v1.25 the nat chain KUBE-FIREWALL marks for drop what KUBE-LOAD-BALANCER-FW sends it (nothing here).
    ...(f.proxyFirewall ? [] : ['-A KUBE-FIREWALL -j KUBE-MARK-DROP']),
    ...(f.localhostReturn ? ['-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN'] : []),
    `-A KUBE-SERVICES ${k.masquerade ? '' : `! -s ${p.clusterCidr} `}-m comment --comment ${q('Kubernetes service cluster ip + port for masquerade purpose')} -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ`,
    '-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT',
    '-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT',
    'COMMIT',
  ];
  const filterChains = [
    'KUBE-FORWARD',
    ...(f.healthCheckNodePort ? ['KUBE-NODE-PORT'] : []),
    ...(f.proxyFirewall ? ['KUBE-PROXY-FIREWALL'] : []),
    ...(f.accessFilter ? ['KUBE-IPVS-FILTER'] : []),
    ...(f.outFilter ? ['KUBE-IPVS-OUT-FILTER'] : []),
  ];
  const filter = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ...filterChains.map((c) => `:${c} - [0:0]`),
    ...(f.healthCheckNodePort ? [`-A INPUT -m comment --comment ${q('kubernetes health check rules')} -j KUBE-NODE-PORT`] : []),
    ...(f.accessFilter ? [`-A INPUT -m comment --comment ${q('kubernetes ipvs access filter')} -j KUBE-IPVS-FILTER`] : []),
    ...(f.proxyFirewall ? [`-A INPUT -m comment --comment ${q('kube-proxy firewall rules')} -j KUBE-PROXY-FIREWALL`, `-A FORWARD -m comment --comment ${q('kube-proxy firewall rules')} -j KUBE-PROXY-FIREWALL`] : []),
    `-A FORWARD -m comment --comment ${q('kubernetes forwarding rules')} -j KUBE-FORWARD`,
    ...(f.outFilter ? [`-A OUTPUT -m comment --comment ${q('kubernetes ipvs access filter')} -j KUBE-IPVS-OUT-FILTER`] : []),
    ...forwardChainRules(prefix, k, p.clusterCidr),
    ...(f.accessFilter
      ? [
          ...['KUBE-LOAD-BALANCER', 'KUBE-CLUSTER-IP', 'KUBE-EXTERNAL-IP', ...(f.externalLocalReturn ? ['KUBE-EXTERNAL-IP-LOCAL'] : [])].map((set) => `-A KUBE-IPVS-FILTER -m set --match-set ${set} dst,dst -j RETURN`),
          '-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN',
          '-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable',
        ]
      : []),
    'COMMIT',
    '',
  ];
  return [...nat, ...filter].join('\n');
}
