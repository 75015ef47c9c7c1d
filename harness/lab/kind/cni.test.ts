import { describe, expect, it } from 'vitest';
import { nodeRoutes, ptpConflist } from './cni.js';
import { parseCtrTasks } from './parse-runtime.js';
import { offlineKubeadmPatches } from './provision.js';
import { kindClusterConfig } from './config.js';

const nodes = [
  { name: 'c-control-plane', podCIDR: '10.244.0.0/24', internalIP: '172.18.0.3' },
  { name: 'c-worker', podCIDR: '10.244.1.0/24', internalIP: '172.18.0.2' },
  { name: 'c-worker2', podCIDR: '10.244.2.0/24', internalIP: '172.18.0.4' },
];

describe("the offline image's pod network (what kindnetd would do)", () => {
  it('gives each node a ptp + host-local conflist for its podCIDR, without masquerade', () => {
    const c = JSON.parse(ptpConflist('10.244.1.0/24')) as { cniVersion: string; plugins: { type: string; ipMasq?: boolean; ipam?: { type: string; ranges: { subnet: string }[][] } }[] };
    expect(c.cniVersion).toBe('0.4.0');
    expect(c.plugins.map((p) => p.type)).toEqual(['ptp', 'portmap']);
    expect(c.plugins[0]!.ipMasq).toBe(false);
    expect(c.plugins[0]!.ipam).toMatchObject({ type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]] });
  });
  it("routes every other node's podCIDR via that node", () => {
    expect(nodeRoutes(nodes[1]!, nodes)).toEqual([
      ['ip', 'route', 'replace', '10.244.0.0/24', 'via', '172.18.0.3'],
      ['ip', 'route', 'replace', '10.244.2.0/24', 'via', '172.18.0.4'],
    ]);
  });
  it('finds sandboxes with ctr where crictl is missing', () => {
    const text = 'TASK                                                                PID     STATUS    \n3f1e0c9a   1234    RUNNING\nabcd   0   STOPPED\nbeef  987 STOPPED\n';
    const t = parseCtrTasks(text);
    expect(t.get('3f1e0c9a')).toEqual({ pid: 1234, status: 'RUNNING' });
    expect(t.get('beef')).toEqual({ pid: 987, status: 'STOPPED' });
    expect(t.has('abcd')).toBe(false);
  });
  it("tells kubeadm the image's etcd and gives the control plane 15 minutes; no kindnet", () => {
    const patches = offlineKubeadmPatches({ key: 'k', etcdImage: 'resetlab.local/etcd:3.4.23-4_b4' });
    expect(patches[0]).toContain('imageRepository: resetlab.local');
    expect(patches[0]).toContain('imageTag: "3.4.23-4_b4"');
    expect(patches[0]).toContain('timeoutForControlPlane: 15m0s');
    expect(patches[0]).toContain('    node-monitor-grace-period: 10m0s\n');
    expect(() => offlineKubeadmPatches({ key: 'k', etcdImage: 'etcd' })).toThrow(/not repo\/etcd:tag/);
    const yaml = kindClusterConfig({ kubeProxyMode: 'ipvs', nodeImage: 'resetlab.local/kind-node:v1.20.2-x', disableDefaultCNI: true, kubeadmPatches: patches, masqueradeAll: true });
    expect(yaml).toContain('disableDefaultCNI: true');
    expect(yaml).toContain('kubeProxyMode: ipvs');
    expect(yaml).toContain('masqueradeAll: true');
    expect(yaml).toContain('imageRepository: resetlab.local');
  });
});

describe('the two-node cluster of the offline image (node B is the control plane)', () => {
  it('names node B after the control plane and lists one worker', async () => {
    const { kindNodeNames } = await import('./config.js');
    expect(kindNodeNames('c', 1)).toEqual({ controlPlane: 'c-control-plane', worker: 'c-worker', worker2: 'c-control-plane' });
    expect(kindNodeNames('c')).toEqual({ controlPlane: 'c-control-plane', worker: 'c-worker', worker2: 'c-worker2' });
    const yaml = kindClusterConfig({ kubeProxyMode: 'ipvs', workers: 1 });
    expect(yaml.match(/role: worker/g)).toHaveLength(1);
    expect(yaml.match(/role: control-plane/g)).toHaveLength(1);
  });
  it("lets the server pod tolerate the control plane's taint only there", async () => {
    const { clusterManifests: kindManifests } = await import('../cluster/manifests.js');
    const spec = { prefix: 'rl-000001', image: 'i', clientNode: 'c-worker', serverNode: 'c-control-plane', servicePort: 80, serverPort: 8080, clientPod: true };
    const tolerations = (docs: unknown[]) => JSON.stringify(docs).includes('node-role.kubernetes.io/master');
    expect(tolerations(kindManifests({ ...spec, tolerateControlPlane: true }))).toBe(true);
    expect(tolerations(kindManifests(spec))).toBe(false);
  });
});
