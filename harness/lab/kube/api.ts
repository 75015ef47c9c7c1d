/**
 * How the kube driver reaches the user's cluster: kubectl through the Runner (execa), as the
 * kind driver does, with the kubeconfig and context pinned on every call so that a change of
 * the current context during a run cannot redirect it. Pure.
 */
import type { WorkloadNames } from '../cluster/manifests.js';
import type { ClusterApi } from '../cluster/workloads.js';

/** The cluster a run talks to. */
export interface KubeTarget {
  context: string;
  kubeconfig?: string;
}

/** `kubectl [--kubeconfig F] --context C ...args`. Pure. */
export function kubectlFor(target: KubeTarget, ...args: string[]): string[] {
  return ['kubectl', ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []), '--context', target.context, ...args];
}

/** kubectl before a context is known (reading the kubeconfig itself). Pure. */
export function kubectlConfig(kubeconfig: string | undefined, ...args: string[]): string[] {
  return ['kubectl', ...(kubeconfig ? ['--kubeconfig', kubeconfig] : []), ...args];
}

/** The target and the run's names as the shared cluster code sees them. Pure. */
export function kubeApi(target: KubeTarget, names: WorkloadNames): ClusterApi {
  return { kubectl: (...args) => kubectlFor(target, ...args), names };
}
