import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../repo-root.js';
import { servicePath } from '../../lab/netns/service-path.js';
import type { LabTopology } from '../../lab/topology.js';
import { tailLines } from './daemon.js';
import { globalStateProblems, kubeProxyArgs } from './flags.js';
import { endpointSliceApi, labObjects } from './objects.js';
import { changedSysctls, iptablesProgramProblems, ipvsProgramProblems, parseNetSysctls } from './programmed.js';

const topo = (t: Partial<LabTopology> = {}) => ({ proxyMode: 'iptables', client: 'pod', service: 'clusterIP', hairpin: false, masquerade: false, dropInvalid: false, servicePort: 80, serverPort: 8080, ...t }) as unknown as LabTopology;
const fixture = (f: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/kube-proxy/v1.20.2-ipvs-6.1', f), 'utf8');
const nodes = { nodeA: { name: 'node-a', ip: '172.18.0.2', podCidr: '10.244.1.0/24' }, nodeB: { name: 'node-b', ip: '172.18.0.3', podCidr: '10.244.2.0/24' } };

describe('kube-proxy flags', () => {
  it('carry the path: masquerade-all, cluster CIDR, NodePort addresses', () => {
    const args = kubeProxyArgs({ kubeconfig: '/k', mode: 'iptables', path: servicePath(topo({ service: 'nodePort', masquerade: true } as Partial<LabTopology>)), masqueradeAll: true, hostname: 'node-a' });
    expect(args).toContain('--masquerade-all');
    expect(args).toContain('--cluster-cidr=10.244.0.0/16');
    expect(args.find((a) => a.startsWith('--nodeport-addresses='))).toBe('--nodeport-addresses=172.18.0.2/32,10.244.1.1/32');
    expect(globalStateProblems(args)).toEqual([]);
  });
  it('refuse flags that write global state', () => {
    expect(globalStateProblems(['--conntrack-max-per-core=32768'])[0]).toMatch(/hashsize/);
    expect(globalStateProblems(['--conntrack-max-per-core=0', '--conntrack-min=1000'])).toHaveLength(1);
    expect(globalStateProblems([])[0]).toMatch(/missing/);
  });
});

describe('labObjects', () => {
  it('writes a v1beta1 EndpointSlice for v1.20 and v1 from v1.21', () => {
    expect(endpointSliceApi('v1.20.2')).toBe('discovery.k8s.io/v1beta1');
    expect(endpointSliceApi('v1.21.0')).toBe('discovery.k8s.io/v1');
    const objs = labObjects(servicePath(topo()), nodes, 'v1.20.2');
    expect(objs.map((o) => o.kind)).toEqual(['Node', 'Node', 'Service', 'Endpoints', 'EndpointSlice']);
    const slice = objs[4]!.body as { metadata: { labels: Record<string, string> }; endpoints: { addresses: string[] }[] };
    expect(slice.metadata.labels['kubernetes.io/service-name']).toBe('server');
    expect(slice.endpoints[0]?.addresses).toEqual(['10.244.2.10']);
  });
  it('gives a NodePort Service its nodePort', () => {
    const svc = labObjects(servicePath(topo({ service: 'nodePort' } as Partial<LabTopology>)), nodes, 'v1.20.2')[2]!.body as { spec: { type: string; ports: { nodePort: number }[] } };
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports[0]?.nodePort).toBe(30080);
  });
});

const NAT = `*nat
:KUBE-SERVICES - [0:0]
-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "default/server:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-AAAA
-A KUBE-SVC-AAAA -m comment --comment "default/server:http" -j KUBE-SEP-BBBB
-A KUBE-SEP-BBBB -p tcp -m comment --comment "default/server:http" -m tcp -j DNAT --to-destination 10.244.2.10:8080
COMMIT
`;

describe('programmed checks', () => {
  const p = servicePath(topo());
  it('accept the expected Service', () => expect(iptablesProgramProblems(NAT, p)).toEqual([]));
  it('refuse a missing Service or a wrong endpoint', () => {
    expect(iptablesProgramProblems('*nat\nCOMMIT\n', p)[0]).toMatch(/no KUBE-SERVICES rule/);
    expect(iptablesProgramProblems(NAT.replace('10.244.2.10:8080', '10.244.2.11:8080'), p)[0]).toMatch(/expected 10\.244\.2\.10:8080/);
  });
  it('read IPVS virtual servers', () => {
    const out = 'IP Virtual Server version 1.2.1\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\nTCP  10.96.0.10:80 rr\n  -> 10.244.2.10:8080             Masq    1      0          0\n';
    const synced = fixture('iptables-save.txt');
    expect(ipvsProgramProblems(out, p, synced)).toEqual([]);
    expect(ipvsProgramProblems(out.replace(/  -> 10.*\n/, ''), p, synced)[0]).toMatch(/real servers none/);
  });
  it('in IPVS mode, wait for the chains kube-proxy restores after the virtual servers (a read caught between the two)', () => {
    const out = fixture('ipvsadm.txt');
    expect(ipvsProgramProblems(out, p, fixture('iptables-save-mid-sync.txt'))).toEqual(['no KUBE-SERVICES accept of KUBE-CLUSTER-IP yet', 'no KUBE-FORWARD rules yet']);
  });
  it('diff net sysctls', () => {
    const before = parseNetSysctls('net.ipv4.conf.all.route_localnet = 0\nkernel.x = 1\n');
    const after = parseNetSysctls('net.ipv4.conf.all.route_localnet = 1\n');
    expect(changedSysctls(before, after)).toEqual({ 'net.ipv4.conf.all.route_localnet': { before: '0', after: '1' } });
  });
  it('summarise a new interface (kube-ipvs0) instead of listing its defaults', () => {
    const before = parseNetSysctls('net.ipv4.vs.conntrack = 0\nnet.ipv4.conf.lo.forwarding = 0\n');
    const after = parseNetSysctls('net.ipv4.vs.conntrack = 1\nnet.ipv4.conf.lo.forwarding = 0\nnet.ipv4.conf.kube-ipvs0.forwarding = 1\nnet.ipv6.neigh.kube-ipvs0.locktime = 0\n');
    expect(changedSysctls(before, after)).toEqual({ 'net.ipv4.vs.conntrack': { before: '0', after: '1' }, 'net.*.kube-ipvs0.* (new interface)': { before: null, after: 'created' } });
  });
  it('tail lines', () => expect(tailLines('a\n\nb\nc\n', 2)).toEqual(['b', 'c']));
});

describe('on the real kube-proxy v1.20.2 output (test/fixtures/kube-proxy, captured on this project\'s host)', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { REPO_ROOT } = await import('../../repo-root.js');
  const { counterByRule, parseIptablesSaveCounters } = await import('../../counters/parse.js');
  const { normaliseIptables, withoutService } = await import('../conformance.js');
  const { KUBE_PROXY_INVALID_DROP: D } = await import('./data-plane.js');
  const save = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'kube-proxy', 'v1.20.2-iptables-save-c.txt'), 'utf8');
  it('is the programmed Service', () => expect(iptablesProgramProblems(save, servicePath(topo()))).toEqual([]));
  it('has the INVALID drop, counted by its rule text', () => {
    expect(counterByRule(parseIptablesSaveCounters(save), D.table, D.chain, D.spec)).toEqual({ packets: 0, bytes: 0 });
  });
  it('loses the apiserver Service when normalised for conformance', () => {
    const n = normaliseIptables(withoutService(save, '10.96.0.1'));
    expect(n.some((r) => /10\.96\.0\.1\/|172\.18\.1\.2/.test(r.rule))).toBe(false);
    expect(n.filter((r) => r.chain === 'KUBE-SVC-*')).toHaveLength(1);
  });
});
