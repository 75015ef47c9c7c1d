/**
 * The kind cluster configuration (`kind.x-k8s.io/v1alpha4`) as pure data -> YAML: one
 * control plane and two workers, `networking.kubeProxyMode` (ipvs unless overridden), an
 * optional node image (which pins the Kubernetes version), and kube-proxy's masqueradeAll
 * when the scenario asks for masquerade. Also the names kind derives from a cluster name.
 */
import { stringify } from 'yaml';

/** kube-proxy modes the kind driver can ask kind for. */
export type KubeProxyMode = 'ipvs' | 'iptables' | 'nftables';

/** The kube-proxy modes, for validation messages. */
export const KUBE_PROXY_MODES: readonly KubeProxyMode[] = ['ipvs', 'iptables', 'nftables'];

/** Inputs of `kindClusterConfig`. */
export interface KindConfigOptions {
  kubeProxyMode: KubeProxyMode;
  /** A kindest/node image, e.g. `kindest/node:v1.33.1`; kind's default when absent. */
  nodeImage?: string;
  /** kube-proxy `masqueradeAll` (SNAT every Service connection, as `topology.masquerade`). */
  masqueradeAll?: boolean;
  /** No kindnet (resetlab's offline node image has none: the driver writes each node's CNI config itself). */
  disableDefaultCNI?: boolean;
  /** More kubeadm merge patches (e.g. the offline image's etcd image and a longer control-plane timeout). */
  kubeadmPatches?: string[];
  /** Workers (default 2; 1 for the offline image in a guest, where node B is the control plane). */
  workers?: 1 | 2;
}

/** The KubeProxyConfiguration patch setting masqueradeAll for the chosen mode (kubeadm merges it). */
function masqueradePatch(mode: KubeProxyMode): string {
  // IPVS mode reads iptables.masqueradeAll; nftables has its own field (only known to kube-proxy >= 1.29).
  const section = mode === 'nftables' ? 'nftables' : 'iptables';
  return `kind: KubeProxyConfiguration\n${section}:\n  masqueradeAll: true\n`;
}

/** The kind config as YAML, for `kind create cluster --config -`. Pure. */
export function kindClusterConfig(options: KindConfigOptions): string {
  const node = (role: 'control-plane' | 'worker') => (options.nodeImage ? { role, image: options.nodeImage } : { role });
  const config: Record<string, unknown> = {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    networking: { kubeProxyMode: options.kubeProxyMode, ...(options.disableDefaultCNI ? { disableDefaultCNI: true } : {}) },
    nodes: [node('control-plane'), ...Array.from({ length: options.workers ?? 2 }, () => node('worker'))],
  };
  const patches = [...(options.masqueradeAll ? [masqueradePatch(options.kubeProxyMode)] : []), ...(options.kubeadmPatches ?? [])];
  if (patches.length > 0) config.kubeadmConfigPatches = patches;
  return stringify(config);
}

/** Container (and hostname) of each kind node, as kind names them for a cluster. */
export interface KindNodeNames {
  controlPlane: string;
  /** Worker 1: the client's node (node-a). */
  worker: string;
  /** Worker 2: the server's node (node-b). */
  worker2: string;
}

/**
 * kind's node names for `cluster`: `<cluster>-control-plane`, `<cluster>-worker`, `<cluster>-worker2`;
 * with one worker, node B's `worker2` is the control plane itself.
 */
export function kindNodeNames(cluster: string, workers: 1 | 2 = 2): KindNodeNames {
  const controlPlane = `${cluster}-control-plane`;
  return { controlPlane, worker: `${cluster}-worker`, worker2: workers === 1 ? controlPlane : `${cluster}-worker2` };
}

/** The kubeconfig context kind creates for `cluster`; every kubectl call names it explicitly. */
export function kindContext(cluster: string): string {
  return `kind-${cluster}`;
}
