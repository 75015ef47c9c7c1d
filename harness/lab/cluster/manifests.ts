/**
 * The run's Kubernetes objects as pure data -> YAML for `kubectl apply -f -`, shared by the
 * kind driver (a cluster resetlab creates) and the kube driver (a cluster the user has): a
 * Namespace named after the run prefix (deleting it removes everything else), the server
 * Deployment pinned to node B behind a ClusterIP Service (port = servicePort, targetPort =
 * serverPort), for `client: pod` a client Deployment pinned to node A, and on the kube driver
 * the node agent (nodeAgentPod, node-agent.ts).
 *
 * The pods hold the network identity (pod IP, network namespace, Service endpoint); their
 * container only sleeps. The agents (server, load, inject) run in that pod's network
 * namespace: on kind from containers of the same image started beside the pod (like
 * `kubectl debug --target`, see kind/node.ts), on kube with `kubectl exec` into the pod
 * (kube/node.ts), which is why the kube driver's pods ask for NET_RAW and NET_ADMIN.
 */
import { PREFIX_LABEL } from '../../containers/labels.js';
import { stringify } from 'yaml';

/** A toleration as Kubernetes writes it. */
export interface Toleration {
  key: string;
  operator: 'Exists';
  effect: string;
}

/** Inputs of `clusterManifests`. */
export interface WorkloadSpec {
  prefix: string;
  /** Our agent image: on kind already on the nodes; on kube pulled by the cluster or already there. */
  image: string;
  /** Node names the pods are pinned to. */
  clientNode: string;
  serverNode: string;
  servicePort: number;
  serverPort: number;
  /** Whether to create the client pod (topology.client === 'pod'). */
  clientPod: boolean;
  /** Pods may run on the control plane (the two-node cluster of the offline image, where node B is the control plane). */
  tolerateControlPlane?: boolean;
  /** Tolerations per pinned node (kube: exactly the taints the chosen node carries). */
  tolerations?: Partial<Record<'server' | 'client', Toleration[]>>;
  /** The Deployments' progressDeadlineSeconds (Kubernetes' default, 600, is less than a guest under emulation may need). */
  progressDeadlineSeconds?: number;
  /**
   * How pods are pinned: `hostname-label` (nodeSelector on kubernetes.io/hostname, kind's node
   * names are their hostnames) or `node-name` (required nodeAffinity on metadata.name, as the
   * e2e INVALID test pins them; the label may differ from the name on other clusters).
   */
  pin?: 'hostname-label' | 'node-name';
  /** imagePullPolicy of the pods: Never on kind (loaded, no registry), IfNotPresent on kube. */
  pullPolicy?: 'Never' | 'IfNotPresent' | 'Always';
  /** Capabilities the holders add (kube: the agents run by `kubectl exec` inside them). */
  capabilities?: string[];
  /** An emptyDir mounted here in the holders (kube: the agents' pid files, kube/node.ts). */
  scratchDir?: string;
  /**
   * CPU the holders request (a Kubernetes quantity, e.g. `250m`), so the agents run in them
   * (kube: `kubectl exec`) are Burstable and not BestEffort, whose cgroup has 2 CPU shares against
   * the node's busy components. Absent: no request (kind's agents run in their own containers).
   */
  cpuRequest?: string;
  /** Extra labels and annotations of the Namespace (kube: Pod Security, the run's owner). */
  namespaceLabels?: Record<string, string>;
  namespaceAnnotations?: Record<string, string>;
}

/** Names of the run's objects; the namespace is the prefix itself. */
export function workloadNames(prefix: string) {
  return { namespace: prefix, server: `${prefix}-server`, client: `${prefix}-client`, service: `${prefix}-svc`, nodeAgent: `${prefix}-node-agent` } as const;
}

/** The object names of one run. */
export type WorkloadNames = ReturnType<typeof workloadNames>;

/** The label every object carries, so leftovers can be found by label (the same as on our containers). */
export { PREFIX_LABEL };

/** What a workload's container runs: nothing, it only holds the pod's network namespace (the agent image must carry `sleep`). */
export const HOLDER_COMMAND = ['sleep', 'infinity'] as const;

const CONTROL_PLANE_TOLERATIONS: Toleration[] = [
  { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
];

/**
 * A container's `resources` for a CPU request (a request and no limit: the pod is Burstable,
 * its cgroup's CPU shares follow the request, and nothing throttles it); nothing for none. Pure.
 */
export function cpuRequestOf(cpu: string | undefined): { resources?: { requests: { cpu: string } } } {
  return cpu ? { resources: { requests: { cpu } } } : {};
}

/** The scheduling fields that pin a pod to `node` (see WorkloadSpec.pin). Pure. */
export function pinTo(node: string, pin: WorkloadSpec['pin'] = 'hostname-label'): Record<string, unknown> {
  if (pin === 'hostname-label') return { nodeSelector: { 'kubernetes.io/hostname': node } };
  return {
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } },
  };
}

function holderDeployment(spec: WorkloadSpec, role: 'server' | 'client', name: string, node: string, ports: object[]) {
  const labels = { app: name, [PREFIX_LABEL]: spec.prefix };
  const tolerations = [...(spec.tolerateControlPlane ? CONTROL_PLANE_TOLERATIONS : []), ...(spec.tolerations?.[role] ?? [])];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: workloadNames(spec.prefix).namespace, labels },
    spec: {
      replicas: 1,
      ...(spec.progressDeadlineSeconds ? { progressDeadlineSeconds: spec.progressDeadlineSeconds } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          ...pinTo(node, spec.pin),
          ...(tolerations.length > 0 ? { tolerations } : {}),
          terminationGracePeriodSeconds: 0,
          containers: [
            {
              name: 'holder',
              image: spec.image,
              // kind: loaded with `kind load docker-image` (or inside the run's node image), never pulled.
              imagePullPolicy: spec.pullPolicy ?? 'Never',
              command: [...HOLDER_COMMAND],
              ...(ports.length > 0 ? { ports } : {}),
              ...(spec.capabilities?.length ? { securityContext: { capabilities: { add: [...spec.capabilities] } } } : {}),
              ...(spec.scratchDir ? { volumeMounts: [{ name: 'scratch', mountPath: spec.scratchDir }] } : {}),
              ...cpuRequestOf(spec.cpuRequest),
            },
          ],
          ...(spec.scratchDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
        },
      },
    },
  };
}

/** The objects, in apply order. Pure. */
export function clusterManifests(spec: WorkloadSpec): Record<string, unknown>[] {
  const n = workloadNames(spec.prefix);
  const objects: Record<string, unknown>[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: n.namespace,
        labels: { [PREFIX_LABEL]: spec.prefix, ...spec.namespaceLabels },
        ...(spec.namespaceAnnotations ? { annotations: { ...spec.namespaceAnnotations } } : {}),
      },
    },
    holderDeployment(spec, 'server', n.server, spec.serverNode, [{ name: 'http', containerPort: spec.serverPort, protocol: 'TCP' }]),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: n.service, namespace: n.namespace, labels: { [PREFIX_LABEL]: spec.prefix } },
      spec: {
        type: 'ClusterIP',
        selector: { app: n.server },
        ports: [{ name: 'http', protocol: 'TCP', port: spec.servicePort, targetPort: spec.serverPort }],
      },
    },
  ];
  if (spec.clientPod) objects.push(holderDeployment(spec, 'client', n.client, spec.clientNode, []));
  return objects;
}

/** Objects as one multi-document YAML stream. Pure. */
export function manifestsYaml(objects: readonly Record<string, unknown>[]): string {
  // No YAML anchors/aliases for shared objects (labels): kubectl accepts them, humans misread them.
  return objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n');
}
