/**
 * The kind side of the shared workloads (../cluster/workloads.ts): the run's objects for a
 * kind plan (pods pinned by hostname, images never pulled), and a node container's address
 * from Docker.
 */
import type { Runner } from '../../exec/runner.js';
import { clusterManifests } from '../cluster/manifests.js';
import { applyObjects } from '../cluster/workloads.js';
import { kindApi, type KindPlan } from './provision.js';

/** Applies the Namespace, Deployments and Service (stdin YAML); `progressDeadlineSeconds` goes to the Deployments when given. */
export async function applyWorkloads(
  runner: Runner,
  plan: KindPlan,
  ports: { servicePort: number; serverPort: number },
  clientPod: boolean,
  progressDeadlineSeconds?: number,
): Promise<void> {
  const objects = clusterManifests({
    prefix: plan.prefix,
    image: plan.image,
    clientNode: plan.nodes.worker,
    serverNode: plan.nodes.worker2,
    servicePort: ports.servicePort,
    serverPort: ports.serverPort,
    clientPod,
    ...(plan.nodes.worker2 === plan.nodes.controlPlane ? { tolerateControlPlane: true } : {}),
    ...(progressDeadlineSeconds ? { progressDeadlineSeconds } : {}),
  });
  await applyObjects(runner, kindApi(plan), objects);
}

/** A node container's address on the kind network (the node IP). */
export async function nodeIp(runner: Runner, container: string): Promise<string> {
  const out = await runner.run(['docker', 'inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', container]);
  const ip = out.stdout.trim().split(/\s+/).find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
  if (!ip) throw new Error(`failed to read the IPv4 address of ${container}: got "${out.stdout.trim()}"`);
  return ip;
}
