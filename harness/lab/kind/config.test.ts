import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kindClusterConfig, kindContext, kindNodeNames } from './config.js';

describe('kindClusterConfig', () => {
  it('ipvs, one control plane and two workers, kind default node image', () => {
    expect(kindClusterConfig({ kubeProxyMode: 'ipvs' })).toBe(
      [
        'kind: Cluster',
        'apiVersion: kind.x-k8s.io/v1alpha4',
        'networking:',
        '  kubeProxyMode: ipvs',
        'nodes:',
        '  - role: control-plane',
        '  - role: worker',
        '  - role: worker',
        '',
      ].join('\n'),
    );
  });

  it('pins every node to the given image (the Kubernetes version)', () => {
    const doc = parse(kindClusterConfig({ kubeProxyMode: 'ipvs', nodeImage: 'kindest/node:v1.31.9' }));
    expect(doc.nodes).toEqual([
      { role: 'control-plane', image: 'kindest/node:v1.31.9' },
      { role: 'worker', image: 'kindest/node:v1.31.9' },
      { role: 'worker', image: 'kindest/node:v1.31.9' },
    ]);
  });

  it('masquerade: a KubeProxyConfiguration patch with iptables.masqueradeAll (read by ipvs and iptables modes)', () => {
    expect(kindClusterConfig({ kubeProxyMode: 'iptables', masqueradeAll: true })).toBe(
      [
        'kind: Cluster',
        'apiVersion: kind.x-k8s.io/v1alpha4',
        'networking:',
        '  kubeProxyMode: iptables',
        'nodes:',
        '  - role: control-plane',
        '  - role: worker',
        '  - role: worker',
        'kubeadmConfigPatches:',
        '  - |',
        '    kind: KubeProxyConfiguration',
        '    iptables:',
        '      masqueradeAll: true',
        '',
      ].join('\n'),
    );
  });

  it('nftables mode patches nftables.masqueradeAll instead', () => {
    const doc = parse(kindClusterConfig({ kubeProxyMode: 'nftables', masqueradeAll: true }));
    expect(doc.networking).toEqual({ kubeProxyMode: 'nftables' });
    expect(parse(doc.kubeadmConfigPatches[0])).toEqual({ kind: 'KubeProxyConfiguration', nftables: { masqueradeAll: true } });
  });
});

describe('kind names', () => {
  it('derives node containers and the kubeconfig context from the cluster name', () => {
    expect(kindNodeNames('rl-0a1b2c')).toEqual({
      controlPlane: 'rl-0a1b2c-control-plane',
      worker: 'rl-0a1b2c-worker',
      worker2: 'rl-0a1b2c-worker2',
    });
    expect(kindContext('resetlab')).toBe('kind-resetlab');
  });
});
