import { rmSync } from 'node:fs';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { manifestsYaml } from '../cluster/manifests.js';
import { KUBE_CLUSTER } from '../../../test/helpers/kube-cluster.js';
import { kubeRunObjects, masqueradeArgv, masqueradePlan } from './provider.js';

const cluster = KUBE_CLUSTER;
const topology = { proxyMode: 'auto', client: 'pod', masquerade: true, dropInvalid: 'auto', servicePort: 80, serverPort: 8080 } as const;

describe('kube run objects', () => {
  it('a labelled privileged namespace, the node agent on node A, then the workloads pinned by node name', () => {
    const objects = kubeRunObjects({ prefix: 'rl-1a2b3c', topology, cluster, agentLifetimeSec: 1800 }) as { kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: { template?: { spec: Record<string, unknown> } } }[];
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/rl-1a2b3c', 'Pod/rl-1a2b3c-node-agent', 'Deployment/rl-1a2b3c-server', 'Service/rl-1a2b3c-svc', 'Deployment/rl-1a2b3c-client']);
    expect(objects[0]!.metadata.labels).toEqual({ 'resetlab.prefix': 'rl-1a2b3c', 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'privileged', 'pod-security.kubernetes.io/audit': 'privileged' });
    expect(objects[0]!.metadata.annotations?.['resetlab.io/owner']).toMatch(/^.+\/\d+$/);
    const server = objects[2]!.spec!.template!.spec as { tolerations?: unknown[]; affinity?: unknown; nodeSelector?: unknown; containers: { imagePullPolicy: string; securityContext: unknown; volumeMounts: unknown }[] };
    expect(JSON.stringify(server.affinity)).toContain('"values":["rl-control-plane"]');
    expect(server.nodeSelector).toBeUndefined();
    expect(server.tolerations).toEqual(cluster.nodes.tolerations.b);
    expect(server.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', securityContext: { capabilities: { add: ['NET_RAW', 'NET_ADMIN'] } }, volumeMounts: [{ name: 'scratch', mountPath: '/resetlab' }] });
    const client = objects[4]!.spec!.template!.spec as { tolerations?: unknown[]; affinity?: unknown };
    expect(JSON.stringify(client.affinity)).toContain('"values":["rl-worker"]');
    expect(client.tolerations).toBeUndefined();
    expect(parseAllDocuments(manifestsYaml(objects)).every((d) => d.errors.length === 0)).toBe(true);
  });

  it('the server and client pods request the CPU asked (no limit), the node agent a little; none at all with no request', () => {
    type Obj = { kind: string; spec: { containers?: { resources?: unknown }[]; template?: { spec: { containers: { resources?: unknown }[] } } } };
    const resources = (objects: Record<string, unknown>[]) =>
      (objects as unknown as Obj[]).filter((o) => o.kind !== 'Namespace' && o.kind !== 'Service').map((o) => (o.spec.template?.spec ?? o.spec).containers![0]!.resources ?? null);
    expect(resources(kubeRunObjects({ prefix: 'rl-1a2b3c', topology, cluster, agentLifetimeSec: 600 }))).toEqual([
      { requests: { cpu: '50m' } },
      { requests: { cpu: '250m' } },
      { requests: { cpu: '250m' } },
    ]);
    expect(resources(kubeRunObjects({ prefix: 'rl-1a2b3c', topology, cluster: { ...cluster, cpuRequest: null }, agentLifetimeSec: 600 }))).toEqual([null, null, null]);
  });

  it('no client Deployment when the client is node A itself', () => {
    expect(kubeRunObjects({ prefix: 'rl-1a2b3c', topology: { ...topology, client: 'node' }, cluster, agentLifetimeSec: 600 }).map((o) => o.kind)).toEqual(['Namespace', 'Pod', 'Deployment', 'Service']);
  });
});

describe('masquerade on a cluster the user has', () => {
  it("uses kube-proxy's masqueradeAll, else a rule of resetlab's; refuses a plain path where everything is masqueraded", () => {
    expect(masqueradePlan(true, true)).toEqual({ by: 'kube-proxy' });
    expect(masqueradePlan(true, false)).toEqual({ by: 'resetlab' });
    expect(masqueradePlan(true, null)).toEqual({ by: 'resetlab' });
    expect(masqueradePlan(false, false)).toEqual({ by: 'none' });
    expect(masqueradePlan(false, null)).toEqual({ by: 'none' });
    expect(masqueradePlan(false, true)).toMatchObject({ refuse: expect.stringMatching(/masqueradeAll: true/) });
  });
  it('the rule masquerades only the client pod -> server pod port, first in nat POSTROUTING, and deletes the same spec', () => {
    const a = { clientIp: '10.244.1.5', serverIp: '10.244.0.7', serverPort: 8080, comment: 'rl-1a2b3c-masquerade' };
    expect(masqueradeArgv('add', a)).toEqual(['iptables', '-w', '-t', 'nat', '-I', 'POSTROUTING', '1', '-s', '10.244.1.5/32', '-d', '10.244.0.7/32', '-p', 'tcp', '--dport', '8080', '-m', 'comment', '--comment', 'rl-1a2b3c-masquerade', '-j', 'MASQUERADE']);
    expect(masqueradeArgv('delete', a).slice(0, 6)).toEqual(['iptables', '-w', '-t', 'nat', '-D', 'POSTROUTING']);
    expect(masqueradeArgv('delete', a).slice(6)).toEqual(masqueradeArgv('add', a).slice(7));
  });
});

describe('provisionKubeLab before any pod exists', () => {
  it('refuses pods the admission rejects, and removes the namespace it made', async () => {
    const { FakeRunner } = await import('../../exec/fake-runner.js');
    const { provisionKubeLab } = await import('./provider.js');
    const { UnsupportedError } = await import('../../errors.js');
    // The run's owner file goes to a scratch folder (unit tests run anywhere, not only as root).
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/rl-owner-`);
    vi.stubEnv('RESETLAB_RUN_DIR', dir);
    onTestFinished(() => {
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    });
    const runner = new FakeRunner().on(/--dry-run=server/, { exitCode: 1, stderr: 'Error from server (Forbidden): error when creating "STDIN": pods "rl-1a2b3c-node-agent" is forbidden: violates PodSecurity "baseline:latest": privileged\n' });
    const error = await provisionKubeLab({ prefix: 'rl-1a2b3c', topology, runner, cluster, agentLifetimeSec: 600 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toMatch(/^the cluster refuses resetlab's pods in namespace rl-1a2b3c: Error from server \(Forbidden\).*violates PodSecurity/);
    const lines = runner.lines.map((l) => l.replace('kubectl --context kind-rl ', ''));
    expect(lines).toEqual([
      'get namespaces -l resetlab.prefix -o \'jsonpath={.items[*].metadata.name}\'',
      'apply -f -',
      'apply --dry-run=server -f -',
      'delete namespace rl-1a2b3c --wait=true --timeout=600s --ignore-not-found',
    ]);
    // The first apply is the namespace alone.
    expect(runner.calls[1]!.input).toMatch(/^apiVersion: v1\nkind: Namespace\n/);
    expect(runner.calls[1]!.input).not.toContain('kind: Pod');
  });

  it("refuses a cluster whose kube-proxy mode cannot be told, or is not the one asked, before creating anything", async () => {
    const { FakeRunner } = await import('../../exec/fake-runner.js');
    const { provisionKubeLab } = await import('./provider.js');
    const runner = new FakeRunner();
    const unknown = { ...cluster, kubeProxy: { ...cluster.kubeProxy, mode: null, unknown: ['a kube-proxy pod (label k8s-app=kube-proxy) on rl-worker'] } };
    await expect(provisionKubeLab({ prefix: 'rl-1a2b3c', topology, runner, cluster: unknown, agentLifetimeSec: 600 })).rejects.toThrow(/cannot tell kube-proxy's mode on node rl-worker \(a kube-proxy pod/);
    await expect(provisionKubeLab({ prefix: 'rl-1a2b3c', topology, runner, cluster, expectMode: 'nftables', agentLifetimeSec: 600 })).rejects.toThrow(/--kube-proxy-mode nftables was asked, but kube-proxy on rl-worker runs ipvs/);
    await expect(provisionKubeLab({ prefix: 'rl-1a2b3c', topology: { ...topology, masquerade: false }, runner, cluster: { ...cluster, kubeProxy: { ...cluster.kubeProxy, masqueradeAll: true } }, agentLifetimeSec: 600 })).rejects.toThrow(/masqueradeAll: true/);
    expect(runner.lines).toEqual([]);
  });
});
