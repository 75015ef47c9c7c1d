import { describe, expect, it } from 'vitest';
import type { LabTopology } from '../topology.js';
import { fakeEngine, fakeKind, kindFixture, withSysctlState } from '../../../test/helpers/fake-kind.js';
import { provisionKindLab, type KindLabOptions } from './provider.js';
import { useTempRunDir } from '../../../test/helpers/temp-run-dir.js';

const P = 'rl-0a1b2c';
const LIB = 'net.netfilter.nf_conntrack_tcp_be_liberal';
const TOPO: LabTopology = { proxyMode: 'auto', client: 'pod', masquerade: false, dropInvalid: false, servicePort: 80, serverPort: 8080 };

useTempRunDir();

async function lab(o: Partial<KindLabOptions> & { override?: Record<string, Record<string, number>>; fake?: Parameters<typeof fakeKind>[0] } = {}) {
  const runner = withSysctlState(fakeKind(o.fake), { [LIB]: 0 }, o.override);
  const l = await provisionKindLab({ prefix: P, topology: TOPO, runner, wait: { endpointsMs: 0, pollMs: 0 }, engine: fakeEngine(runner), ...o });
  return { lab: l, runner, n: runner.lines.length };
}

describe('KindLab sysctls', () => {
  it('writes on every node (control plane included) and reads every one back', async () => {
    const { lab: l, runner, n } = await lab();
    const read = await l.setSysctls(l.nodeRoles, { [LIB]: 1 });
    expect(read).toEqual({ 'node-a': { [LIB]: 1 }, 'node-b': { [LIB]: 1 }, 'control-plane': { [LIB]: 1 } });
    expect(runner.lines.slice(n)).toEqual([
      `docker exec ${P}-worker sysctl -w ${LIB}=1`,
      `docker exec ${P}-worker2 sysctl -w ${LIB}=1`,
      `docker exec ${P}-control-plane sysctl -w ${LIB}=1`,
      `docker exec ${P}-worker sysctl -e ${LIB}`,
      `docker exec ${P}-worker2 sysctl -e ${LIB}`,
      `docker exec ${P}-control-plane sysctl -e ${LIB}`,
    ]);
    expect([...runner.state.values()]).toEqual([{ [LIB]: 1 }, { [LIB]: 1 }, { [LIB]: 1 }]);
  });

  it('a node that reads back another value fails the arm, naming the node', async () => {
    const { lab: l } = await lab({ override: { [`${P}-control-plane`]: { [LIB]: 0 } } });
    await expect(l.setSysctls(l.nodeRoles, { [LIB]: 1 })).rejects.toThrow(
      `failed to set sysctls: control-plane (${P}-control-plane): ${LIB}: wanted 1, read back 0`,
    );
  });

  it('a pod role is written in the pod namespace too (nsenter), plus every node', async () => {
    const { lab: l, runner, n } = await lab();
    await l.setSysctls(['server'], { [LIB]: 1 }).catch(() => undefined);
    expect(runner.lines.slice(n, n + 4)).toEqual([
      `docker exec ${P}-worker2 nsenter --net=/proc/2291/ns/net -- sysctl -w ${LIB}=1`,
      `docker exec ${P}-control-plane sysctl -w ${LIB}=1`,
      `docker exec ${P}-worker sysctl -w ${LIB}=1`,
      `docker exec ${P}-worker2 sysctl -w ${LIB}=1`,
    ]);
  });

  it('readSysctls covers the roles and every node', async () => {
    const { lab: l } = await lab();
    expect(await l.readSysctls(['node-a'], [LIB])).toEqual({ 'node-a': { [LIB]: 0 }, 'node-b': { [LIB]: 0 }, 'control-plane': { [LIB]: 0 } });
  });

  it('a kept cluster gets the values it had before the first write back at destroy', async () => {
    const { lab: l, runner } = await lab({ keepCluster: true, fake: { cluster: 'resetlab', existing: ['resetlab'] } });
    await l.setSysctls(l.nodeRoles, { [LIB]: 1 });
    await l.setSysctls(l.nodeRoles, { [LIB]: 0 });
    await l.setSysctls(l.nodeRoles, { [LIB]: 1 });
    expect(runner.lines.filter((l2) => l2 === `docker exec resetlab-worker sysctl -e ${LIB}`)).toHaveLength(4); // 1 original + 3 read-backs
    expect(await l.destroy()).toEqual([]);
    expect([...runner.state.values()]).toEqual([{ [LIB]: 0 }, { [LIB]: 0 }, { [LIB]: 0 }]);
  });

  it('a created (deleted at the end) cluster does not read originals or restore', async () => {
    const { lab: l, runner, n } = await lab();
    await l.setSysctls(l.nodeRoles, { [LIB]: 1 });
    await l.destroy();
    expect(runner.lines.slice(n).filter((x) => x.includes('sysctl -w'))).toHaveLength(3);
  });
});

describe('KindLab conntrack and data-plane rules', () => {
  it('flushConntrack runs conntrack -F in every node container', async () => {
    const { lab: l, runner, n } = await lab();
    await l.flushConntrack();
    expect(runner.lines.slice(n).sort()).toEqual([
      `docker exec ${P}-control-plane conntrack -F`,
      `docker exec ${P}-worker conntrack -F`,
      `docker exec ${P}-worker2 conntrack -F`,
    ]);
  });

  it('dataPlaneRules: INVALID rules and the Service\'s IPVS virtual server per node', async () => {
    const { lab: l, runner } = await lab();
    runner.on(/iptables-save -t filter$/, { stdout: kindFixture('iptables-save-filter-ipvs-mode.txt') });
    runner.on(/ipvsadm -Ln$/, { stdout: kindFixture('ipvsadm-Ln.txt') });
    const rules = await l.dataPlaneRules();
    expect(Object.keys(rules)).toEqual([`control-plane (${P}-control-plane)`, `node-a (${P}-worker)`, `node-b (${P}-worker2)`]);
    expect(rules[`node-a (${P}-worker)`]).toEqual([
      `iptables: -A FORWARD -m conntrack --ctstate INVALID -m comment --comment ${P}-invalid-drop -j DROP`,
      'ipvs: TCP 10.96.112.40:80 rr -> 10.244.2.3:8080 Masq',
      'ipvs: 6 virtual servers in all',
    ]);
    // ipvsadm is not in kind node images: it ran in a toolbox from the agent image in the node's network namespace.
    expect(runner.lines).toContain(`engine: toolbox ${P}-toolbox-3 container:${P}-control-plane`);
    expect(runner.lines).toContainEqual(expect.stringMatching(new RegExp(`^engine: exec ${P}-toolbox-\\d+ ipvsadm -Ln$`)));
  });

  it('dataPlaneRules in iptables mode shows kube-proxy\'s KUBE-FORWARD drop', async () => {
    const { lab: l, runner } = await lab({
      kubeProxyMode: 'iptables',
      fake: { kubeProxyConfig: 'kind: KubeProxyConfiguration\nmode: iptables\n' },
    });
    runner.on(/iptables-save -t filter$/, { stdout: kindFixture('iptables-save-filter-iptables-mode.txt') });
    const rules = await l.dataPlaneRules();
    expect(rules[`node-b (${P}-worker2)`]).toEqual([
      'iptables: -A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP',
    ]);
    expect(runner.lines.some((x) => x.includes('ipvsadm -Ln'))).toBe(false);
  });
});
