/**
 * The environment fingerprint of a run, read from the machine (never assumed): kernel,
 * driver and data plane as applied, Node/autocannon/resetlab versions, git commit, CPUs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, hostname, release } from 'node:os';
import { join } from 'node:path';
import type { Runner } from '../exec/runner.js';
import type { Lab } from '../lab/lab.js';
import type { Environment } from '../report/schema.js';
import { REPO_ROOT } from '../repo-root.js';


function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** resetlab's own version from package.json. */
export function resetlabVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The git commit of this checkout, or null outside git. */
export async function gitCommit(runner: Runner): Promise<string | null> {
  const r = await runner.run(['git', '-C', REPO_ROOT, 'rev-parse', 'HEAD'], { check: false }).catch(() => null);
  return r && r.exitCode === 0 ? r.stdout.trim() : null;
}

/** The sysctls that matter for this failure, read back per node in the fingerprint (absent keys are skipped). */
export const FINGERPRINT_SYSCTLS = [
  'net.netfilter.nf_conntrack_tcp_be_liberal',
  'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst',
  'net.netfilter.nf_conntrack_tcp_loose',
  'net.netfilter.nf_conntrack_log_invalid',
  'net.ipv4.ip_forward',
  'net.ipv4.vs.conntrack',
  'net.ipv4.vs.expire_nodest_conn',
  'net.ipv4.vs.expire_quiescent_template',
  'net.ipv4.vs.conn_reuse_mode',
];

/**
 * kind and kube: versions as the cluster reported them at provisioning (the drivers record
 * them in their data-plane knobs). kind builds kube-proxy per Kubernetes release, so there
 * the kube-proxy image tag is also the Kubernetes version; kube records the API server's own.
 */
function kubernetesFacts(lab: Lab): NonNullable<Environment['kubernetes']> {
  const k = lab.dataPlane.knobs;
  const kubeProxyVersion = typeof k.kubeProxyVersion === 'string' ? k.kubeProxyVersion : String(k.kubeProxyImage ?? 'unknown');
  return {
    version: typeof k.serverVersion === 'string' ? k.serverVersion : typeof k.kubeProxyVersion === 'string' ? k.kubeProxyVersion : 'unknown',
    kubeProxyVersion,
    kubeProxyMode: lab.dataPlane.proxyMode,
    ...(typeof k.nodeImage === 'string' ? { nodeImage: k.nodeImage } : {}),
  };
}

/** Builds the fingerprint for a provisioned lab. */
export async function readEnvironment(lab: Lab, runner: Runner): Promise<Environment> {
  const sysctls = await lab.readSysctls(lab.nodeRoles, FINGERPRINT_SYSCTLS);
  return {
    kernel: lab.kernel ?? release(),
    driver: lab.driver,
    proxyMode: lab.dataPlane.proxyMode,
    proxyModeReason: lab.dataPlane.reason,
    knobs: lab.dataPlane.knobs,
    nodeVersion: process.version,
    autocannonVersion: packageVersion('autocannon'),
    resetlabVersion: resetlabVersion(),
    gitCommit: await gitCommit(runner),
    cpus: cpus().length,
    hostname: hostname(),
    sysctls,
    ...(lab.dataPlane.kubeProxy ? { kubeProxy: lab.dataPlane.kubeProxy as NonNullable<Environment['kubeProxy']> } : {}),
    ...(lab.driver === 'kind' || lab.driver === 'kube' ? { kubernetes: kubernetesFacts(lab) } : {}),
    ...(lab.readRps ? { rps: await lab.readRps(lab.nodeRoles) } : {}),
  };
}
