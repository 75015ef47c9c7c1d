/**
 * The cluster parsers. Their inputs are written in the shape kubectl v1.20 prints (fields as in
 * the Node, version and SelfSubjectAccessReview API types), not captured from a cluster: no
 * cluster runs on this host (the guest test, test/integration/kube-vm.test.ts, runs them on a
 * real one).
 */
import { describe, expect, it } from 'vitest';
import { accessReviews, cniFromConfDir, parseAccessReviews, parseNodes, parseServerVersion, permissionText } from './facts.js';

const NODES = JSON.stringify({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      metadata: { name: 'rl-kube-control-plane', labels: { 'kubernetes.io/os': 'linux' } },
      spec: { podCIDR: '10.244.0.0/24', taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] },
      status: {
        addresses: [{ type: 'InternalIP', address: '172.18.0.3' }, { type: 'Hostname', address: 'rl-kube-control-plane' }],
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
        nodeInfo: { kernelVersion: '6.1.0-57-amd64', kubeletVersion: 'v1.20.2', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://1.6.20', operatingSystem: 'linux' },
      },
    },
    { metadata: { name: 'rl-kube-worker' }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }], nodeInfo: {} } },
  ],
});

describe('cluster facts', () => {
  it('nodes: readiness, taints, kernel and addresses', () => {
    const [cp, w] = parseNodes(NODES);
    expect(cp).toEqual({
      name: 'rl-kube-control-plane', ready: true, unschedulable: false, taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }], internalIP: '172.18.0.3',
      kernelVersion: '6.1.0-57-amd64', kubeletVersion: 'v1.20.2', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntime: 'containerd://1.6.20', os: 'linux',
    });
    expect(w).toMatchObject({ name: 'rl-kube-worker', ready: false, unschedulable: true, taints: [], internalIP: null, kernelVersion: null, os: null });
    expect(() => parseNodes('{"items": [{}]}')).toThrow(/failed to parse kubectl get nodes -o json: item 0: no metadata.name/);
    expect(() => parseNodes('Unable to connect')).toThrow(/failed to parse kubectl get nodes/);
  });

  it('the API server version', () => {
    expect(parseServerVersion(JSON.stringify({ clientVersion: { gitVersion: 'v1.20.2' }, serverVersion: { major: '1', minor: '20', gitVersion: 'v1.20.2' } }))).toBe('v1.20.2');
    expect(() => parseServerVersion(JSON.stringify({ clientVersion: { gitVersion: 'v1.20.2' } }))).toThrow(/no serverVersion.gitVersion/);
  });

  it('the CNI: the first conf file in lexical order, as the kubelet picks it', () => {
    const files = ['99-loopback.conf', '10-resetlab-ptp.conflist', 'README'];
    const read = (f: string) => (f === '10-resetlab-ptp.conflist' ? JSON.stringify({ cniVersion: '0.4.0', name: 'resetlab-ptp', plugins: [{ type: 'ptp' }, { type: 'portmap' }] }) : null);
    expect(cniFromConfDir(files, read)).toEqual({ file: '10-resetlab-ptp.conflist', name: 'resetlab-ptp', plugins: ['ptp', 'portmap'] });
    expect(cniFromConfDir(['10-calico.conf'], () => '{"name":"k8s-pod-network","type":"calico"}')).toEqual({ file: '10-calico.conf', name: 'k8s-pod-network', plugins: ['calico'] });
    expect(cniFromConfDir(['x.conf'], () => 'not json')).toEqual({ file: 'x.conf', name: null, plugins: [] });
    expect(cniFromConfDir([], () => null)).toBeNull();
  });

  it('access reviews: one per permission, answers in order; a single answer is not a List', () => {
    const perms = [
      { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'rl-1a2b3c', why: 'x' },
      { verb: 'get', resource: 'configmaps', name: 'kube-proxy', namespace: 'kube-system', why: 'y' },
    ];
    const list = accessReviews(perms) as { items: { spec: { resourceAttributes: Record<string, string> } }[] };
    expect(list.items.map((i) => i.spec.resourceAttributes)).toEqual([
      { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'rl-1a2b3c' },
      { verb: 'get', resource: 'configmaps', namespace: 'kube-system', name: 'kube-proxy' },
    ]);
    const answer = (allowed: boolean) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', status: { allowed, ...(allowed ? {} : { reason: '' }) } });
    expect(parseAccessReviews(JSON.stringify({ kind: 'List', items: [answer(true), answer(false)] }), 2)).toEqual([true, false]);
    expect(parseAccessReviews(JSON.stringify(answer(true)), 1)).toEqual([true]);
    // kubectl create -o json prints each created object on its own, indented.
    expect(parseAccessReviews(`${JSON.stringify(answer(false), null, 4)}\n${JSON.stringify({ ...answer(true), metadata: { note: 'a "}" in a string' } }, null, 4)}\n`, 2)).toEqual([false, true]);
    expect(() => parseAccessReviews('{"a":1} x', 1)).toThrow(/failed to parse the SelfSubjectAccessReview answers: unexpected "x"/);
    expect(() => parseAccessReviews(JSON.stringify({ kind: 'List', items: [answer(true)] }), 2)).toThrow(/expected 2 answers, got 1/);
    expect(permissionText(perms[0]!)).toBe('create pods/exec in rl-1a2b3c');
    expect(permissionText({ verb: 'list', resource: 'endpointslices', group: 'discovery.k8s.io', why: '' })).toBe('list endpointslices.discovery.k8s.io (cluster-wide)');
  });
});
