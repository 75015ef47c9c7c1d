/**
 * The cluster the kube driver's unit tests plan against: what `discoverCluster` would return for
 * a two-node kind cluster (resetlab's offline node image, v1.20.2, IPVS): node A the worker,
 * node B the control plane, whose `master` taint the server pod tolerates. One fixture for every
 * test of the driver's plans; change a field with a spread.
 */
import type { ClusterNode } from '../../harness/lab/kube/facts.js';
import type { KubeCluster } from '../../harness/lab/kube/provider.js';

/** A Ready, schedulable Linux node as `parseNodes` returns it. */
export function kubeNode(name: string, taints: ClusterNode['taints'] = []): ClusterNode {
  return { name, ready: true, unschedulable: false, taints, internalIP: '172.18.0.2', kernelVersion: '6.1.0-57-amd64', kubeletVersion: 'v1.20.2', osImage: 'Debian', containerRuntime: 'containerd://1.6', os: 'linux' };
}

/** The kind cluster `rl` with its default CPU requests (250m, node agent 50m). */
export const KUBE_CLUSTER: KubeCluster = {
  target: { context: 'kind-rl', server: 'https://127.0.0.1:40000' },
  serverVersion: 'v1.20.2',
  nodes: {
    a: kubeNode('rl-worker'),
    b: kubeNode('rl-control-plane', [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }]),
    how: 'chosen',
    tolerations: { a: [], b: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' }] },
  },
  kubeProxy: { mode: 'ipvs', configuredMode: 'ipvs', loggedMode: 'ipvs', masqueradeAll: false, tcpBeLiberal: null, version: 'v1.20.2', image: 'k8s.gcr.io/kube-proxy:v1.20.2', unknown: [] },
  image: 'resetlab-agent:local',
  pullPolicy: 'IfNotPresent',
  cpuRequest: { serverAndClient: '250m', nodeAgent: '50m' },
};
