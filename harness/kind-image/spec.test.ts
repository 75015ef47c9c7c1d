import { describe, expect, it } from 'vitest';
import { imageConfig, saveManifest } from './image-archive.js';
import { nodeFiles } from './node-files.js';
import { componentImages, etcdImageTag, nodeImageKey, nodeImageName, nodeRootfsSpec } from './spec.js';

const inputs = { k8sVersion: 'v1.20.2', rootfsKey: 'bookworm-abc', binaries: { kubelet: 'a', kubeadm: 'b' }, files: { '/kind/version': 'c' }, images: componentImages('v1.20.2', '3.4.23-4+b4', '3.4') };

describe('the offline node image', () => {
  it("names kubeadm's images as kubeadm does, and ours as what they are", () => {
    const tags = componentImages('v1.20.2', '3.4.23-4+b4', '3.4').map((i) => i.tag);
    expect(tags).toEqual([
      'k8s.gcr.io/kube-apiserver:v1.20.2',
      'k8s.gcr.io/kube-controller-manager:v1.20.2',
      'k8s.gcr.io/kube-scheduler:v1.20.2',
      'k8s.gcr.io/kube-proxy:v1.20.2',
      'resetlab.local/etcd:3.4.23-4_b4',
      'k8s.gcr.io/pause:3.4',
    ]);
    expect(etcdImageTag('3.4.23~rc1+b2')).toBe('resetlab.local/etcd:3.4.23_rc1_b2');
  });
  it('keys the cache on every input', () => {
    const k = nodeImageKey(inputs);
    expect(k).toMatch(/^[0-9a-f]{12}$/);
    expect(nodeImageKey({ ...inputs, binaries: { kubeadm: 'b', kubelet: 'a' } })).toBe(k);
    expect(nodeImageKey({ ...inputs, binaries: { kubelet: 'a', kubeadm: 'B' } })).not.toBe(k);
    expect(nodeImageKey({ ...inputs, files: { '/kind/version': 'd' } })).not.toBe(k);
    expect(nodeImageKey({ ...inputs, rootfsKey: 'bookworm-def' })).not.toBe(k);
    expect(nodeImageName('v1.20.2', k)).toBe(`resetlab.local/kind-node:v1.20.2-${k.slice(0, 8)}`);
  });
  it('debootstraps a node with systemd, containerd 1.6 (CRI v1alpha2), runc and the CNI plugins', () => {
    const spec = nodeRootfsSpec();
    expect(spec.suite).toBe('bookworm');
    expect(spec.include).toEqual([...spec.include].sort());
    expect(spec.include).toEqual(expect.arrayContaining(['systemd-sysv', 'containerd', 'runc', 'containernetworking-plugins', 'iptables', 'ipset', 'conntrack']));
  });
  it("writes kind's contract: /kind/version on one line, cgroupfs containerd, the sandbox image we carry", () => {
    const f = nodeFiles({ k8sVersion: 'v1.20.2', sandboxImage: 'k8s.gcr.io/pause:3.4', workerImages: ['pause', 'kube-proxy'] });
    expect(f['/kind/version']!.content).toBe('v1.20.2');
    expect(f['/etc/containerd/config.toml']!.content).toContain('SystemdCgroup = false');
    expect(f['/etc/containerd/config.toml']!.content).toContain('sandbox_image = "k8s.gcr.io/pause:3.4"');
    expect(f['/usr/local/bin/entrypoint']!.content).toContain('log "detected cgroup v1"');
    expect(f['/usr/local/bin/entrypoint']!.mode).toBe(0o755);
    expect(f['/etc/systemd/system/kubelet.service']!.content).toContain('ConditionPathExists=/var/lib/kubelet/config.yaml');
    expect(f['/etc/systemd/system/kubelet.service']!.content).toContain('After=containerd.service resetlab-images.service');
    expect(f['/usr/local/bin/resetlab-import-images']!.content).toContain('want=" pause kube-proxy "');
  });
  it('writes docker-save configs and manifests', () => {
    expect(imageConfig({ entrypoint: ['/pause'] }, ['sha256:aa'])).toEqual({
      architecture: 'amd64',
      os: 'linux',
      created: '2020-01-01T00:00:00Z',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Entrypoint: ['/pause'] },
      rootfs: { type: 'layers', diff_ids: ['sha256:aa'] },
    });
    expect(saveManifest('c.json', ['k8s.gcr.io/pause:3.4'], ['aa/layer.tar'])).toEqual([{ Config: 'c.json', RepoTags: ['k8s.gcr.io/pause:3.4'], Layers: ['aa/layer.tar'] }]);
  });
});
