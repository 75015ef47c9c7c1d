import { describe, expect, it } from 'vitest';
import type { LabTopology } from '../../lab/topology.js';
import { ruleComments } from '../../lab/netns/dataplane.js';
import { servicePath } from '../../lab/netns/service-path.js';
import { iptablesProxyRules } from './iptables.js';
import { ipvsCommands, ipvsFlavour, ipvsIpsets, ipvsIptablesRules } from './ipvs.js';
import { kubeProxyVersion } from './versions.js';
import { ipvsSysctls } from './kube-proxy.js';
import { nftablesProxyRules } from './nftables.js';

const P = 'rl-0a1b2c';
const BASE: LabTopology = { proxyMode: 'auto', client: 'pod', masquerade: false, dropInvalid: false, servicePort: 80, serverPort: 8080 };

/** The paths users have, with what kube-proxy (current rules) does to them. */
const PATHS: { name: string; t: Partial<LabTopology>; target: string; backend: string; masqueraded: boolean }[] = [
  { name: 'pod -> ClusterIP', t: {}, target: '10.96.0.10:80', backend: '10.244.2.10:8080', masqueraded: false },
  { name: 'pod -> ClusterIP, masqueradeAll', t: { masquerade: true }, target: '10.96.0.10:80', backend: '10.244.2.10:8080', masqueraded: true },
  { name: 'external -> ClusterIP', t: { client: 'external' }, target: '10.96.0.10:80', backend: '10.244.2.10:8080', masqueraded: true },
  { name: 'node -> ClusterIP', t: { client: 'node' }, target: '10.96.0.10:80', backend: '10.244.2.10:8080', masqueraded: true },
  { name: 'external -> NodePort', t: { client: 'external', service: 'nodePort', nodePort: 30080 }, target: '172.18.0.2:30080', backend: '10.244.2.10:8080', masqueraded: true },
  { name: 'hairpin', t: { hairpin: true }, target: '10.96.0.10:80', backend: '10.244.1.10:8080', masqueraded: true },
];

/** `*table ... COMMIT` blocks of iptables-restore input, by table name. */
function tables(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) out[line.slice(1)] = current = [];
    else if (line === 'COMMIT') current = null;
    else if (line !== '') {
      expect(current, `line outside a table: ${line}`).not.toBeNull();
      current?.push(line);
    }
  }
  expect(current, 'last table not committed').toBeNull();
  return out;
}

/** Every chain a rule jumps to is declared in the same table (iptables-restore would refuse it otherwise). */
function expectJumpsDeclared(t: Record<string, string[]>) {
  for (const lines of Object.values(t)) {
    const declared = new Set(lines.filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]));
    for (const l of lines.filter((x) => x.startsWith('-A '))) {
      expect(declared.has(l.split(' ')[1]), l).toBe(true);
      const j = / -j (KUBE-[A-Z0-9-]+)/.exec(l);
      if (j) expect(declared.has(j[1]), l).toBe(true);
    }
  }
}

describe('ruleComments', () => {
  it('names the counting rules after the prefix', () => {
    expect(ruleComments(P)).toEqual({ invalidDrop: 'rl-0a1b2c-invalid-drop', leak: 'rl-0a1b2c-leak', natted: 'rl-0a1b2c-natted' });
  });
});

describe('servicePath', () => {
  it.each(PATHS)('$name: target $target, backend $backend', ({ t, target, backend }) => {
    const p = servicePath({ ...BASE, ...t });
    expect(`${p.target.ip}:${p.target.port}`).toBe(target);
    expect(`${p.backend.ip}:${p.backend.port}`).toBe(backend);
    expect(p.serverRole).toBe(t.hairpin ? 'client' : 'server');
    expect(p.clientRole).toBe(t.client === 'node' ? 'node-a' : 'client');
  });
});

describe('iptablesProxyRules (kube-proxy iptables mode)', () => {
  it.each(PATHS)('$name', ({ t, masqueraded }) => {
    const topo = { ...BASE, ...t };
    const p = servicePath(topo);
    const r = tables(iptablesProxyRules(P, p, { masquerade: topo.masquerade, dropInvalid: false }));
    expectJumpsDeclared(r);
    expect(r.nat).toContain('-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000');
    expect(r.nat).toContain('-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN');
    expect(r.nat).toContain('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully');
    expect(r.nat).toContain(`-A KUBE-SEP-RL0A1B2C -p tcp -m comment --comment "${P}/server:http" -m tcp -j DNAT --to-destination ${p.backend.ip}:8080`);
    const svcMark = r.nat!.find((l) => l.startsWith('-A KUBE-SVC-RL0A1B2C') && l.endsWith('-j KUBE-MARK-MASQ'));
    expect(svcMark?.includes('! -s 10.244.0.0/16')).toBe(!topo.masquerade);
    expect(r.nat!.some((l) => l.startsWith('-A KUBE-NODEPORTS') && l.includes('--dport 30080'))).toBe(t.service === 'nodePort');
    // Every masqueraded path has a mark rule that matches it; the plain pod path has none that does.
    expect(masqueraded).toBe(topo.masquerade || topo.client !== 'pod' || t.service === 'nodePort' || t.hairpin === true);
    expect(r.filter).toContain('-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT');
  });

  it.each([false, true])('INVALID drop only with dropInvalid=%s, first in KUBE-FORWARD, named after the run', (dropInvalid) => {
    const r = tables(iptablesProxyRules(P, servicePath(BASE), { masquerade: false, dropInvalid }));
    const drop = `-A KUBE-FORWARD -m conntrack --ctstate INVALID -m comment --comment ${P}-invalid-drop -j DROP`;
    expect(r.filter!.filter((l) => l.startsWith('-A KUBE-FORWARD'))[0] === drop).toBe(dropInvalid);
  });
});

describe('nftablesProxyRules (kube-proxy nftables mode)', () => {
  it.each(PATHS)('$name', ({ t }) => {
    const topo = { ...BASE, ...t };
    const p = servicePath(topo);
    const text = nftablesProxyRules(P, p, { masquerade: topo.masquerade, dropInvalid: false });
    expect(text.startsWith('table ip rl_0a1b2c {\n')).toBe(true);
    expect(text).toContain(`meta l4proto tcp dnat to ${p.backend.ip}:8080 comment "${P}-svc"`);
    expect(text).toContain(`ip saddr ${p.backend.ip} jump mark-for-masquerade`);
    expect(text).toContain('masquerade fully-random');
    expect(text.includes('ip saddr != 10.244.0.0/16 jump mark-for-masquerade')).toBe(!topo.masquerade);
    expect(text.includes('tcp dport 30080 goto external-svc')).toBe(t.service === 'nodePort');
    expect(text.split('{').length).toBe(text.split('}').length);
    expect(text).not.toContain('ct state invalid');
  });

  it('adds the INVALID drop only with dropInvalid', () => {
    expect(nftablesProxyRules(P, servicePath(BASE), { masquerade: false, dropInvalid: true })).toContain(`ct state invalid counter drop comment "${P}-invalid-drop"`);
  });
});

describe('IPVS mode (kube-proxy IPVS mode)', () => {
  it('puts the VIP on the dummy kube-ipvs0 and adds masq-mode virtual servers with the endpoint as real server', () => {
    expect(ipvsCommands(servicePath({ ...BASE, servicePort: 443, serverPort: 9443 }))).toEqual([
      ['ip', 'link', 'add', 'kube-ipvs0', 'type', 'dummy'],
      ['ip', 'addr', 'add', '10.96.0.10/32', 'dev', 'kube-ipvs0'],
      ['ipvsadm', '-A', '-t', '10.96.0.10:443', '-s', 'rr'],
      ['ipvsadm', '-a', '-t', '10.96.0.10:443', '-r', '10.244.2.10:9443', '-m', '-w', '1'],
    ]);
  });

  it('adds a NodePort virtual server on each node-a address', () => {
    const vs = ipvsCommands(servicePath({ ...BASE, client: 'external', service: 'nodePort', nodePort: 30080 }))
      .filter((a) => a[1] === '-A')
      .map((a) => a[3]);
    expect(vs).toEqual(['10.96.0.10:80', '172.18.0.2:30080', '192.168.100.1:30080']);
  });

  it.each(PATHS)('$name: ipsets and chains', ({ t }) => {
    const topo = { ...BASE, ...t };
    const p = servicePath(topo);
    const sets = ipvsIpsets(p);
    expect(sets).toContain('add KUBE-CLUSTER-IP 10.96.0.10,tcp:80\n');
    expect(sets.includes('add KUBE-LOOP-BACK 10.244.1.10,tcp:8080,10.244.1.10')).toBe(t.hairpin === true);
    expect(sets.includes('add KUBE-NODE-PORT-TCP 30080')).toBe(t.service === 'nodePort');
    const r = tables(ipvsIptablesRules(P, p, { masquerade: topo.masquerade, dropInvalid: false }));
    expectJumpsDeclared(r);
    // Every set a rule matches is created.
    for (const l of [...r.nat!, ...r.filter!]) {
      const m = /--match-set (\S+)/.exec(l);
      if (m) expect(sets, l).toContain(`create ${m[1]} `);
    }
    const clusterMark = r.nat!.find((l) => l.includes('--match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ'));
    expect(clusterMark?.startsWith('-A KUBE-SERVICES ! -s 10.244.0.0/16 ')).toBe(!topo.masquerade);
    expect(r.nat!.some((l) => l.includes('KUBE-LOOP-BACK dst,dst,src -j MASQUERADE'))).toBe(t.hairpin === true);
    expect(r.nat).toContain('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully');
    expect(r.nat).not.toContain('DNAT');
    expect(r.filter!.some((l) => l.includes('INVALID'))).toBe(false);
  });

  it.each([
    ['v1.20', { sets: 15, filter: ['KUBE-FORWARD'], firewall: true, localhost: false }],
    ['v1.21', { sets: 16, filter: ['KUBE-FORWARD', 'KUBE-NODE-PORT'], firewall: true, localhost: false }],
    ['v1.25', { sets: 16, filter: ['KUBE-FORWARD', 'KUBE-NODE-PORT', 'KUBE-PROXY-FIREWALL'], firewall: false, localhost: false }],
    ['v1.26', { sets: 17, filter: ['KUBE-FORWARD', 'KUBE-NODE-PORT', 'KUBE-PROXY-FIREWALL', 'KUBE-IPVS-FILTER'], firewall: false, localhost: true }],
    ['v1.37', { sets: 17, filter: ['KUBE-FORWARD', 'KUBE-NODE-PORT', 'KUBE-PROXY-FIREWALL', 'KUBE-IPVS-FILTER', 'KUBE-IPVS-OUT-FILTER'], firewall: false, localhost: true }],
  ] as const)('IPVS chains and sets follow the version: %s', (version, want) => {
    const p = servicePath({ ...BASE, client: 'external', service: 'nodePort', nodePort: 30080 });
    const flavour = ipvsFlavour(kubeProxyVersion(version));
    const sets = ipvsIpsets(p, flavour).split('\n').filter((l) => l.startsWith('create '));
    expect(sets).toHaveLength(want.sets);
    const r = tables(ipvsIptablesRules(P, p, { masquerade: false, dropInvalid: false, ipvs: flavour }));
    expectJumpsDeclared(r);
    expect(r.filter!.filter((l) => /^:KUBE-/.test(l)).map((l) => l.slice(1).split(' ')[0])).toEqual(want.filter);
    expect(r.nat!.includes('-A KUBE-FIREWALL -j KUBE-MARK-DROP')).toBe(want.firewall);
    expect(r.nat!.includes('-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN')).toBe(want.localhost);
    for (const l of [...r.nat!, ...r.filter!]) {
      const m = /--match-set (\S+)/.exec(l);
      if (m) expect(sets.join('\n'), l).toContain(`create ${m[1]} `);
    }
  });

  it.each([
    ['4.0.9', false],
    ['4.19.0-27-amd64', true],
    ['5.8.18', true],
    ['5.10.0-32-amd64', false],
    ['6.1.0-56-amd64', false],
  ] as const)('start-up sysctls on %s: conn_reuse_mode=0 %s', (kernel, reuse) => {
    const s = ipvsSysctls(kernel);
    expect(s).toMatchObject({ 'net.ipv4.vs.conntrack': 1, 'net.ipv4.vs.expire_nodest_conn': 1, 'net.ipv4.vs.expire_quiescent_template': 1, 'net.ipv4.ip_forward': 1 });
    expect('net.ipv4.vs.conn_reuse_mode' in s).toBe(reuse);
  });
});
