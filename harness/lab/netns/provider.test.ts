import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../errors.js';
import { FakeRunner } from '../../exec/fake-runner.js';
import type { LabTopology } from '../topology.js';
import { provisionNetnsLab } from './provider.js';
import type { ProxyFacts } from './proxy-mode.js';
import { useTempRunDir } from '../../../test/helpers/temp-run-dir.js';

const P = 'rl-0a1b2c';
const NS = `${P}-(?:client|node-a|node-b|server)`;
const TOPO: LabTopology = { proxyMode: 'iptables', client: 'pod', masquerade: false, dropInvalid: false, servicePort: 80, serverPort: 8080 };
const ALL: ProxyFacts = { ipVsLoaded: true, ipvsadm: true, nft: true, iptables: true };
const exec = (role: string, cmd: string) => `ip netns exec ${P}-${role} ${cmd}`;

const runDirOf = useTempRunDir();

/** Provisions with a fresh FakeRunner; returns the lab and the runner. */
async function provision(topology: Partial<LabTopology> = {}, facts: ProxyFacts = ALL) {
  const runner = new FakeRunner();
  const lab = await provisionNetnsLab({ prefix: P, topology: { ...TOPO, ...topology }, runner, facts });
  return { lab, runner };
}

/** Commands that are neither namespace management of a run namespace nor run inside one. */
function touchesHost(lines: string[]): string[] {
  const allowed = [new RegExp(`^ip netns (add|del|pids) ${NS}$`), new RegExp(`^ip -n ${NS} `), new RegExp(`^ip netns exec ${NS} `)];
  return lines.filter((l) => !allowed.some((r) => r.test(l)));
}

/** stdin of the one command whose line matches `re` (and whose input contains `having`, if given). */
function inputOf(runner: FakeRunner, re: RegExp, having = ''): string {
  const calls = runner.calls.filter((c) => re.test(c.line) && (c.input ?? '').includes(having));
  expect(calls.map((c) => c.line)).toHaveLength(1);
  return calls[0]?.input ?? '';
}
const EVIDENCE_TABLE = `table ip rl_0a1b2c_evidence {`;

describe('provisionNetnsLab: command sequence', () => {
  it('adds the four namespaces first, then veths born in run namespaces, then addresses, forwarding and rules', async () => {
    const { runner } = await provision();
    expect(runner.lines).toEqual([
      `ip netns add ${P}-client`,
      `ip netns add ${P}-node-a`,
      `ip netns add ${P}-node-b`,
      `ip netns add ${P}-server`,
      `ip -n ${P}-node-a link add wire0 type veth peer name wire0 netns ${P}-node-b`,
      `ip -n ${P}-node-a link add veth-client type veth peer name eth0 netns ${P}-client`,
      `ip -n ${P}-node-b link add veth-server type veth peer name eth0 netns ${P}-server`,
      `ip -n ${P}-client -batch -`,
      `ip -n ${P}-node-a -batch -`,
      `ip -n ${P}-node-b -batch -`,
      `ip -n ${P}-server -batch -`,
      exec('node-a', 'sysctl -w net.ipv4.ip_forward=1'),
      exec('node-b', 'sysctl -w net.ipv4.ip_forward=1'),
      exec('node-a', 'iptables-restore -w'),
      exec('client', 'nft -f -'),
      exec('node-a', 'nft -f -'),
    ]);
    expect(inputOf(runner, new RegExp(`^ip -n ${P}-node-a -batch`))).toContain('addr add 172.18.0.2/24 dev wire0\n');
  });

  it.each<[string, Partial<LabTopology>, ProxyFacts]>([
    ['iptables', { proxyMode: 'iptables' }, ALL],
    ['nftables', { proxyMode: 'nftables', masquerade: true, dropInvalid: true }, ALL],
    ['ipvs', { proxyMode: 'ipvs', masquerade: true }, ALL],
    ['auto without ip_vs', { proxyMode: 'auto', client: 'node' }, { ...ALL, ipVsLoaded: false }],
  ])('%s: no command touches the host namespace; every veth peer is a run namespace', async (_name, topology, facts) => {
    const { runner } = await provision(topology, facts);
    expect(touchesHost(runner.lines)).toEqual([]);
    const veths = runner.lines.filter((l) => / link add /.test(l) && !l.includes('type dummy'));
    expect(veths).toHaveLength(3);
    for (const l of veths) expect(l).toMatch(new RegExp(`^ip -n ${NS} link add \\S+ type veth peer name \\S+ netns ${NS}$`));
  });
});

describe('provisionNetnsLab: iptables rules', () => {
  it.each([
    { masquerade: false, dropInvalid: false, servicePort: 80, serverPort: 8080 },
    { masquerade: true, dropInvalid: false, servicePort: 443, serverPort: 9443 },
    { masquerade: false, dropInvalid: true, servicePort: 80, serverPort: 8080 },
    { masquerade: true, dropInvalid: true, servicePort: 8000, serverPort: 8001 },
  ])('masquerade=$masquerade dropInvalid=$dropInvalid ports $servicePort->$serverPort', async (k) => {
    const { runner, lab } = await provision({ proxyMode: 'iptables', ...k });
    const rules = inputOf(runner, /^ip netns exec rl-0a1b2c-node-a iptables-restore -w$/);
    expect(rules).toContain(`-A KUBE-SEP-RL0A1B2C -p tcp -m comment --comment "${P}/server:http" -m tcp -j DNAT --to-destination 10.244.2.10:${k.serverPort}`);
    expect(rules).toContain(`-d 10.96.0.10/32 -p tcp -m comment --comment "${P}/server:http cluster IP" -m tcp --dport ${k.servicePort} -j KUBE-SVC-RL0A1B2C`);
    // masqueradeAll drops the "! -s <cluster CIDR>" condition from the Service's mark rule.
    expect(rules.includes(`! -s 10.244.0.0/16 -d 10.96.0.10/32`)).toBe(!k.masquerade);
    expect(rules.includes(`-A KUBE-FORWARD -m conntrack --ctstate INVALID -m comment --comment ${P}-invalid-drop -j DROP`)).toBe(k.dropInvalid);
    expect(lab.dataPlane).toEqual({
      proxyMode: 'iptables',
      reason: 'requested iptables',
      knobs: { ...k, client: 'pod', service: 'clusterIP', hairpin: false },
      kubeProxy: expect.objectContaining({ source: 'model', version: 'v1.37', mode: 'iptables', dropInvalid: k.dropInvalid, dropInvalidBy: 'lab override' }),
    });
    expect(lab.addresses).toEqual({ vip: '10.96.0.10', servicePort: k.servicePort, serverIp: '10.244.2.10', serverPort: k.serverPort, clientIp: '10.244.1.10' });
    for (const role of ['client', 'node-a']) {
      const evidence = inputOf(runner, new RegExp(`^ip netns exec ${P}-${role} nft -f -$`), EVIDENCE_TABLE);
      expect(evidence).toContain(`ip saddr 10.244.2.10 tcp sport ${k.serverPort} counter comment "${P}-leak"`);
      expect(evidence).toContain(`ip saddr 10.96.0.10 tcp sport ${k.servicePort} @th,160,64 0x52455345544c4142 counter comment "${P}-natted"`);
    }
    expect(lab.counterRules).toEqual({ invalidDrop: `${P}-invalid-drop`, leak: `${P}-leak`, natted: `${P}-natted` });
  });

  it.each<[LabTopology['client'], string, string, string[]]>([
    ['pod', 'client', '10.244.1.10', ['client', 'node-a']],
    ['node', 'node-a', '172.18.0.2', ['node-a']],
    ['external', 'client', '192.168.100.10', ['client', 'node-a']],
  ])('with the client as a %s: client node, client address and evidence namespaces', async (client, clientRole, clientIp, evidenceRoles) => {
    const { runner, lab } = await provision({ client });
    expect(lab.nodes.client.id).toBe(`${P}-${clientRole}`);
    expect(lab.addresses.clientIp).toBe(clientIp);
    expect(lab.evidenceRoles).toEqual(evidenceRoles);
    expect(lab.dataPlane.knobs.client).toBe(client);
    expect(runner.calls.filter((c) => (c.input ?? '').includes(EVIDENCE_TABLE)).map((c) => c.line)).toEqual([
      exec('client', 'nft -f -'),
      exec('node-a', 'nft -f -'),
    ]);
  });
});

describe('provisionNetnsLab: nftables and ipvs', () => {
  it.each([
    { masquerade: false, dropInvalid: false },
    { masquerade: true, dropInvalid: true },
  ])('nftables loads `nft -f -` on node-a (masquerade=$masquerade dropInvalid=$dropInvalid)', async (k) => {
    const { runner, lab } = await provision({ proxyMode: 'nftables', ...k });
    const rules = inputOf(runner, /^ip netns exec rl-0a1b2c-node-a nft -f -$/, 'table ip rl_0a1b2c {');
    expect(rules).toContain('meta l4proto tcp dnat to 10.244.2.10:8080');
    expect(rules.includes('ip saddr != 10.244.0.0/16 jump mark-for-masquerade')).toBe(!k.masquerade);
    expect(rules.includes(`ct state invalid counter drop comment "${P}-invalid-drop"`)).toBe(k.dropInvalid);
    expect(runner.lines).not.toContain(exec('node-a', 'iptables-restore -w'));
    expect(lab.dataPlane.proxyMode).toBe('nftables');
  });

  it('ipvs sets kube-proxy\'s sysctls, adds kube-ipvs0, the virtual server, ipsets, then its chains', async () => {
    const runner = new FakeRunner();
    const lab = await provisionNetnsLab({ prefix: P, topology: { ...TOPO, proxyMode: 'ipvs', dropInvalid: true }, runner, facts: ALL, kernelRelease: '5.4.0-200-generic' });
    const nodeA = runner.lines.filter((l) => l.startsWith(`ip netns exec ${P}-node-a`)).slice(1);
    expect(nodeA).toEqual([
      exec(
        'node-a',
        'sysctl -w net.ipv4.vs.conntrack=1 net.ipv4.vs.expire_nodest_conn=1 net.ipv4.vs.expire_quiescent_template=1 net.ipv4.ip_forward=1 net.ipv4.vs.conn_reuse_mode=0',
      ),
      exec('node-a', 'ip link add kube-ipvs0 type dummy'),
      exec('node-a', 'ip addr add 10.96.0.10/32 dev kube-ipvs0'),
      exec('node-a', 'ipvsadm -A -t 10.96.0.10:80 -s rr'),
      exec('node-a', 'ipvsadm -a -t 10.96.0.10:80 -r 10.244.2.10:8080 -m -w 1'),
      exec('node-a', 'ipset restore'),
      exec('node-a', 'iptables-restore -w'),
      exec('node-a', 'nft -f -'),
    ]);
    expect(inputOf(runner, /node-a iptables-restore -w$/)).toContain('--ctstate INVALID');
    expect(inputOf(runner, /node-a ipset restore$/)).toContain('add KUBE-CLUSTER-IP 10.96.0.10,tcp:80');
    expect(lab.dataPlane).toMatchObject({ proxyMode: 'ipvs', reason: expect.stringMatching(/ip_vs and ipvsadm present/) });
  });
});

describe('provisionNetnsLab: proxy mode choice', () => {
  it.each<[string, LabTopology['proxyMode'], ProxyFacts, RegExp]>([
    ['ipvs without ip_vs', 'ipvs', { ...ALL, ipVsLoaded: false }, /proxyMode ipvs cannot run here: .*ip_vs/],
    ['ipvs without ipvsadm', 'ipvs', { ...ALL, ipvsadm: false }, /ipvsadm is not installed/],
    ['ipvs without ipset', 'ipvs', { ...ALL, ipset: false }, /ipset is not installed/],
    ['ipvs without the dummy link type', 'ipvs', { ...ALL, dummy: false }, /no dummy interface type/],
    ['nftables without nft', 'nftables', { ...ALL, nft: false }, /nft, which is not installed/],
    ['any mode without nft (evidence counters)', 'iptables', { ...ALL, nft: false }, /evidence counters need nft/],
    ['auto with neither ip_vs nor iptables', 'auto', { ...ALL, ipVsLoaded: false, iptables: false }, /no proxy data plane available/],
  ])('%s: UnsupportedError before any command or owner file', async (_name, proxyMode, facts, message) => {
    const runner = new FakeRunner();
    const p = provisionNetnsLab({ prefix: P, topology: { ...TOPO, proxyMode }, runner, facts });
    await expect(p).rejects.toBeInstanceOf(UnsupportedError);
    await expect(p).rejects.toThrow(message);
    expect(runner.calls).toEqual([]);
    expect(readdirSync(runDirOf())).toEqual([]);
  });

  it.each<[string, ProxyFacts, 'ipvs' | 'iptables', RegExp]>([
    ['no ip_vs', { ...ALL, ipVsLoaded: false }, 'iptables', /^auto: IPVS unavailable \(.*ip_vs.*\); used iptables DNAT/],
    ['ip_vs but no ipvsadm', { ...ALL, ipvsadm: false }, 'iptables', /ipvsadm is not installed/],
    ['ip_vs and ipvsadm', ALL, 'ipvs', /^auto: kernel ip_vs and ipvsadm present/],
  ])('auto with %s uses %s', async (_name, facts, mode, reason) => {
    const { lab, runner } = await provision({ proxyMode: 'auto' }, facts);
    expect(lab.dataPlane.proxyMode).toBe(mode);
    expect(lab.dataPlane.reason).toMatch(reason);
    expect(runner.lines.some((l) => l.includes('ipvsadm'))).toBe(mode === 'ipvs');
  });
});
