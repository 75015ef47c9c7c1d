/**
 * The data plane package's entry: the interface, the modelled and the real providers, and the version model
 * drivers and the CLI consult (validation, defaults). Drivers import from here only.
 */
export type { DataPlaneFacts, DataPlaneProvider, DataPlaneRequest, StartedDataPlane } from './dataplane.js';
export type { KubeProxyPlan, KubeProxyRequest, ProxyMode } from './model/resolve.js';
export type { ServicePath } from './service.js';
export { modelDataPlane } from './model/model.js';
export { realDataPlane, type RealDataPlaneOptions } from './real/provider.js';
export { MIGRATION_COMMAND, modeProblem, resolveKubeProxy } from './model/resolve.js';
export { DEFAULT_KUBE_PROXY_VERSION, MODELLED_MINORS, kubeProxyVersion, parseKubeProxyVersion } from './model/versions.js';
