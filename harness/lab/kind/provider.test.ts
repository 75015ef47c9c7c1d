import { describe, expect, it } from 'vitest';
import type { LabTopology } from '../topology.js';
import { FAKE_PODS, fakeEngine, fakeKind, shortLines } from '../../../test/helpers/fake-kind.js';
import { provisionKindLab, type KindLabOptions } from './provider.js';
import { useTempRunDir } from '../../../test/helpers/temp-run-dir.js';

const P = 'rl-0a1b2c';
const K = `kubectl --context kind-${P}`;
const TOPO: LabTopology = { proxyMode: 'auto', client: 'pod', masquerade: false, dropInvalid: false, servicePort: 80, serverPort: 8080 };
const FAST = { rolloutMs: 120_000, endpointsMs: 0, pollMs: 0 };

useTempRunDir();

async function provision(runner = fakeKind(), o: Partial<KindLabOptions> = {}, topology: Partial<LabTopology> = {}) {
  const lab = await provisionKindLab({ prefix: P, topology: { ...TOPO, ...topology }, runner, wait: FAST, engine: fakeEngine(runner), ...o });
  return { lab, runner };
}

/** Commands before the cluster exists: machine checks and the existing-cluster check (read-only). */
const PRECHECKS = ['kind version', 'kubectl version --client', "docker info --format '{{.ServerVersion}}'", 'kind get clusters'];

describe('provisionKindLab: command sequence', () => {
  it('creates the cluster, loads the image, applies and waits for workloads, locates pods, installs evidence', async () => {
    const { runner, lab } = await provision();
    expect(shortLines(runner)).toEqual([
      ...PRECHECKS,
      'engine: build resetlab-agent:local dockerfile',
      `kind create cluster --name ${P} --config - --wait 120s`,
      `kind get nodes --name ${P}`,
      `${K} -n kube-system get configmap kube-proxy -o jsonpath…`,
      `${K} -n kube-system get pods -l k8s-app=kube-proxy -o jsonpath…`,
      `${K} -n kube-system logs kube-proxy-w8v4n --tail=-1`,
      // kind's own version, recorded in the result's data plane knobs.
      'kind version',
      `docker exec ${P}-worker sh -c …`,
      `kind load docker-image resetlab-agent:local --name ${P}`,
      `${K} apply -f -`,
      `${K} -n ${P} rollout status deployment/${P}-server --timeout=120s`,
      `${K} -n ${P} rollout status deployment/${P}-client --timeout=120s`,
      `${K} -n ${P} get pods -l app=${P}-server -o jsonpath…`,
      `docker exec ${P}-worker2 crictl pods --namespace ${P} --name ${FAKE_PODS.server.name} --state ready -q`,
      `docker exec ${P}-worker2 crictl inspectp ${FAKE_PODS.server.sandbox}`,
      `${K} -n ${P} get pods -l app=${P}-client -o jsonpath…`,
      `docker exec ${P}-worker crictl pods --namespace ${P} --name ${FAKE_PODS.client.name} --state ready -q`,
      `docker exec ${P}-worker crictl inspectp ${FAKE_PODS.client.sandbox}`,
      `${K} -n ${P} get endpointslices -l kubernetes.io/service-name=${P}-svc -o jsonpath…`,
      `${K} -n ${P} get service ${P}-svc -o jsonpath…`,
      // kind's node image has no nft: a toolbox from our image per target (the client pod, then worker 1).
      `engine: toolbox ${P}-toolbox-1 container:${P}-worker /proc/${FAKE_PODS.client.pid}/ns/net`,
      `engine: exec ${P}-toolbox-1 nft -f -`,
      `engine: toolbox ${P}-toolbox-2 container:${P}-worker`,
      `engine: exec ${P}-toolbox-2 nft -f -`,
    ]);
    const create = runner.calls.find((c) => c.line.startsWith('kind create cluster'));
    expect(create?.input).toContain('kubeProxyMode: ipvs');
    const apply = runner.calls.find((c) => c.line === `${K} apply -f -`);
    expect(apply?.input).toContain(`kubernetes.io/hostname: ${P}-worker2`);
    expect(lab.driver).toBe('kind');
  });

  it('addresses, roles and data plane come from what the cluster reports', async () => {
    const { lab } = await provision();
    expect(lab.addresses).toEqual({ vip: '10.96.112.40', servicePort: 80, serverIp: '10.244.2.3', serverPort: 8080, clientIp: '10.244.1.4' });
    expect(lab.nodes['node-a'].id).toBe(`${P}-worker`);
    expect(lab.nodes['node-b'].id).toBe(`${P}-worker2`);
    expect(lab.nodes.server.id).toBe(`${P}-worker2/${FAKE_PODS.server.name}`);
    expect(lab.nodes.client.id).toBe(`${P}-worker/${FAKE_PODS.client.name}`);
    expect(lab.evidenceRoles).toEqual(['client', 'node-a']);
    expect(lab.counterRules).toEqual({ invalidDrop: `${P}-invalid-drop`, leak: `${P}-leak`, natted: `${P}-natted` });
    expect(lab.dataPlane.proxyMode).toBe('ipvs');
    expect(lab.dataPlane.reason).toBe(
      `auto: the kind driver runs kube-proxy in IPVS mode; kind cluster ${P} (created): kube-proxy v1.33.1 configured for ipvs and logging "Using ipvs Proxier"`,
    );
    expect(lab.dataPlane.knobs).toMatchObject({ client: 'pod', masquerade: false, dropInvalid: false, cluster: P, reusedCluster: false, kubeProxyVersion: 'v1.33.1' });
  });

  it('evidence rules match the ClusterIP and the server pod, in the client pod and on worker 1', async () => {
    const { runner } = await provision();
    const evidence = runner.calls.filter((c) => c.line.endsWith('nft -f -'));
    expect(evidence).toHaveLength(2);
    for (const e of evidence) {
      expect(e.input).toContain(`ip saddr 10.244.2.3 tcp sport 8080 counter comment "${P}-leak"`);
      expect(e.input).toContain(`ip saddr 10.96.112.40 tcp sport 80 @th,160,64`);
    }
  });

  it('client: node runs the load on worker 1 itself: no client pod, node IP as client address, one evidence node', async () => {
    const { runner, lab } = await provision(fakeKind({ nodeTools: [...'sh cat sysctl conntrack iptables iptables-save nsenter crictl nft'.split(' ')] }), {}, { client: 'node' });
    expect(runner.lines.some((l) => l.includes(`deployment/${P}-client`))).toBe(false);
    expect(runner.lines).toContain(`docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' ${P}-worker`);
    expect(lab.addresses.clientIp).toBe('172.18.0.3');
    expect(lab.nodes.client).toBe(lab.nodes['node-a']);
    expect(lab.evidenceRoles).toEqual(['node-a']);
    // The node image has nft here, so it runs with docker exec.
    expect(runner.lines.filter((l) => l.endsWith('nft -f -'))).toEqual([`docker exec -i ${P}-worker nft -f -`]);
  });

  it('dropInvalid adds the counted INVALID drop first in worker 1 FORWARD; nftables mode uses an nft table', async () => {
    const ipt = await provision(fakeKind(), {}, { dropInvalid: true });
    expect(ipt.runner.lines).toContain(
      `docker exec ${P}-worker iptables -w -I FORWARD 1 -m conntrack --ctstate INVALID -m comment --comment ${P}-invalid-drop -j DROP`,
    );
    expect(await ipt.lab.destroy()).toEqual([]);
    const nft = await provision(fakeKind({ kubeProxyConfig: 'kind: KubeProxyConfiguration\nmode: nftables\n' }), { kubeProxyMode: 'nftables' }, { dropInvalid: true });
    const table = nft.runner.calls.filter((c) => (c.input ?? '').includes('_invalid {'));
    expect(table.map((c) => c.input)).toEqual([expect.stringContaining(`ct state invalid counter drop comment "${P}-invalid-drop"`)]);
  });

  it('node image and kube-proxy mode options reach the kind config', async () => {
    const runner = fakeKind({ kubeProxyConfig: 'kind: KubeProxyConfiguration\nmode: iptables\n' });
    await provision(runner, { nodeImage: 'kindest/node:v1.31.9', kubeProxyMode: 'iptables' });
    const config = runner.calls.find((c) => c.line.startsWith('kind create cluster'))?.input ?? '';
    expect(config).toContain('kubeProxyMode: iptables');
    expect(config).toContain('image: kindest/node:v1.31.9');
  });

  it('a prebuilt agent image is loaded, not built', async () => {
    const { runner } = await provision(fakeKind(), { agentImage: 'ghcr.io/acme/resetlab-agent:1.0' });
    expect(runner.lines.some((l) => l.startsWith('engine: build'))).toBe(false);
    expect(runner.lines).toContain(`kind load docker-image ghcr.io/acme/resetlab-agent:1.0 --name ${P}`);
  });
});

describe('provisionKindLab: reuse', () => {
  it('keepCluster reuses an existing cluster: no create, and the data plane says "reused"', async () => {
    const runner = fakeKind({ cluster: 'resetlab', existing: ['kind', 'resetlab'] });
    const { lab } = await provision(runner, { keepCluster: true });
    expect(runner.lines.some((l) => l.startsWith('kind create'))).toBe(false);
    expect(runner.lines).toContain('kind get nodes --name resetlab');
    expect(runner.lines).toContain('kind load docker-image resetlab-agent:local --name resetlab');
    expect(lab.dataPlane.knobs).toMatchObject({ cluster: 'resetlab', reusedCluster: true });
    expect(lab.nodes['node-a'].id).toBe('resetlab-worker');
  });

  it('keepCluster without an existing cluster creates it with --retain', async () => {
    const runner = fakeKind({ cluster: 'ci' });
    await provision(runner, { keepCluster: true, clusterName: 'ci' });
    expect(runner.lines).toContain('kind create cluster --name ci --config - --wait 120s --retain');
  });

  it('a reused cluster in another kube-proxy mode is refused with what to do', async () => {
    const runner = fakeKind({ cluster: 'resetlab', existing: ['resetlab'], kubeProxyConfig: 'kind: KubeProxyConfiguration\nmode: ""\n' });
    await expect(provision(runner, { keepCluster: true })).rejects.toThrow(
      /^kind cluster "resetlab" does not match the scenario: kube-proxy is configured for iptables, not ipvs; delete it \(kind delete cluster --name resetlab\) or use another --cluster name$/,
    );
    expect(runner.lines.some((l) => l.startsWith('kind delete'))).toBe(false);
  });
});
