/**
 * The run's Kubernetes objects as pure data -> YAML for `kubectl apply -f -`: a Namespace
 * named after the run prefix (deleting it removes everything else), the server Deployment
 * pinned to worker 2 behind a ClusterIP Service (port = servicePort, targetPort = serverPort),
 * and, for `client: pod`, a client Deployment pinned to worker 1.
 *
 * The pods hold the network identity (pod IP, network namespace, Service endpoint); their
 * container only sleeps. The agents (server, load, inject) run in that pod's network
 * namespace from containers of the same image, started by the pipeline with the scenario's
 * arguments (like `kubectl debug --target`): see node.ts for why.
 */
import { PREFIX_LABEL } from '../../containers/labels.js';
import { stringify } from 'yaml';

/** Inputs of `kindManifests`. */
export interface WorkloadSpec {
  prefix: string;
  /** Our agent image, already loaded into the cluster (`kind load docker-image`). */
  image: string;
  /** Node hostnames (kind container names) the pods are pinned to. */
  clientNode: string;
  serverNode: string;
  servicePort: number;
  serverPort: number;
  /** Whether to create the client pod (topology.client === 'pod'). */
  clientPod: boolean;
  /** Pods may run on the control plane (the two-node cluster of the offline image, where node B is the control plane). */
  tolerateControlPlane?: boolean;
  /** The Deployments' progressDeadlineSeconds (Kubernetes' default, 600, is less than a guest under emulation may need). */
  progressDeadlineSeconds?: number;
}

/** Names of the run's objects; the namespace is the prefix itself. */
export function workloadNames(prefix: string) {
  return { namespace: prefix, server: `${prefix}-server`, client: `${prefix}-client`, service: `${prefix}-svc` } as const;
}

/** The label every object carries, so leftovers can be found by label (the same as on our containers). */
export { PREFIX_LABEL };

/** What a workload's container runs: nothing, it only holds the pod's network namespace (the agent image must carry `sleep`). */
export const HOLDER_COMMAND = ['sleep', 'infinity'] as const;

function holderDeployment(spec: WorkloadSpec, name: string, node: string, ports: object[]) {
  const labels = { app: name, [PREFIX_LABEL]: spec.prefix };
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
          nodeSelector: { 'kubernetes.io/hostname': node },
          ...(spec.tolerateControlPlane ? { tolerations: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' }, { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] } : {}),
          terminationGracePeriodSeconds: 0,
          containers: [
            {
              name: 'holder',
              image: spec.image,
              // Loaded with `kind load docker-image` (or inside the run's node image): never pulled from a registry.
              imagePullPolicy: 'Never',
              command: [...HOLDER_COMMAND],
              ...(ports.length > 0 ? { ports } : {}),
            },
          ],
        },
      },
    },
  };
}

/** The objects, in apply order. Pure. */
export function kindManifests(spec: WorkloadSpec): Record<string, unknown>[] {
  const n = workloadNames(spec.prefix);
  const objects: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.namespace, labels: { [PREFIX_LABEL]: spec.prefix } } },
    holderDeployment(spec, n.server, spec.serverNode, [{ name: 'http', containerPort: spec.serverPort, protocol: 'TCP' }]),
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
  if (spec.clientPod) objects.push(holderDeployment(spec, n.client, spec.clientNode, []));
  return objects;
}

/** Objects as one multi-document YAML stream. Pure. */
export function manifestsYaml(objects: readonly Record<string, unknown>[]): string {
  // No YAML anchors/aliases for shared objects (labels): kubectl accepts them, humans misread them.
  return objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n');
}
