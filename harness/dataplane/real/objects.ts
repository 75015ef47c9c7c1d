/**
 * The Kubernetes objects resetlab writes for one Service path (pure JSON): the two Nodes,
 * the Service (ClusterIP, or NodePort with the path's nodePort), its Endpoints and its
 * EndpointSlice. There is no controller-manager in the lab, so resetlab writes the slice
 * itself: `discovery.k8s.io/v1beta1` in v1.20 (v1 from v1.21), labelled
 * `kubernetes.io/service-name` as the EndpointSlice controller labels it.
 */
import type { ServicePath } from '../../lab/netns/service-path.js';

/** Where each object is POSTed, and the object. */
export interface ApiObject {
  kind: string;
  path: string;
  body: Record<string, unknown>;
}

/** The Service's name and namespace (rules name it `default/server:http`). */
export const SERVICE = { namespace: 'default', name: 'server', portName: 'http' } as const;

/** The EndpointSlice API group version a Kubernetes version serves (v1beta1 before v1.21). */
export function endpointSliceApi(version: string): 'discovery.k8s.io/v1beta1' | 'discovery.k8s.io/v1' {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return m && (Number(m[1]) > 1 || Number(m[2]) >= 21) ? 'discovery.k8s.io/v1' : 'discovery.k8s.io/v1beta1';
}

/** The node names and addresses of the lab. */
export interface LabNodes {
  nodeA: { name: string; ip: string; podCidr: string };
  nodeB: { name: string; ip: string; podCidr: string };
}

/** Every object, in the order to create them. */
export function labObjects(p: ServicePath, nodes: LabNodes, version: string): ApiObject[] {
  const node = (n: LabNodes['nodeA']): ApiObject => ({
    kind: 'Node',
    path: '/api/v1/nodes',
    body: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name } },
      spec: { podCIDR: n.podCidr, podCIDRs: [n.podCidr] },
      status: { addresses: [{ type: 'InternalIP', address: n.ip }, { type: 'Hostname', address: n.name }] },
    },
  });
  const port = { name: SERVICE.portName, port: p.servicePort, targetPort: p.backend.port, protocol: 'TCP', ...(p.nodePort ? { nodePort: p.nodePort } : {}) };
  const backendNode = p.backendLocal ? nodes.nodeA.name : nodes.nodeB.name;
  const sliceApi = endpointSliceApi(version);
  const ns = SERVICE.namespace;
  return [
    node(nodes.nodeA),
    node(nodes.nodeB),
    {
      kind: 'Service',
      path: `/api/v1/namespaces/${ns}/services`,
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: SERVICE.name, namespace: ns },
        spec: { type: p.nodePort ? 'NodePort' : 'ClusterIP', clusterIP: p.vip, ports: [port], ...(p.nodePort ? { externalTrafficPolicy: 'Cluster' } : {}) },
      },
    },
    {
      kind: 'Endpoints',
      path: `/api/v1/namespaces/${ns}/endpoints`,
      body: {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: SERVICE.name, namespace: ns },
        subsets: [{ addresses: [{ ip: p.backend.ip, nodeName: backendNode }], ports: [{ name: SERVICE.portName, port: p.backend.port, protocol: 'TCP' }] }],
      },
    },
    {
      kind: 'EndpointSlice',
      path: `/apis/${sliceApi}/namespaces/${ns}/endpointslices`,
      body: {
        apiVersion: sliceApi,
        kind: 'EndpointSlice',
        metadata: { name: `${SERVICE.name}-rl`, namespace: ns, labels: { 'kubernetes.io/service-name': SERVICE.name, 'endpointslice.kubernetes.io/managed-by': 'resetlab' } },
        addressType: 'IPv4',
        endpoints: [
          {
            addresses: [p.backend.ip],
            conditions: { ready: true },
            ...(sliceApi === 'discovery.k8s.io/v1beta1' ? { topology: { 'kubernetes.io/hostname': backendNode } } : { nodeName: backendNode }),
          },
        ],
        ports: [{ name: SERVICE.portName, port: p.backend.port, protocol: 'TCP' }],
      },
    },
  ];
}
