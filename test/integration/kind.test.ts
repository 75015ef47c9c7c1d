/**
 * The kind driver on a real cluster (opt-in: RESETLAB_KIND=1; needs kind, kubectl and a
 * Docker engine, and several minutes). Creates a fresh cluster (kube-proxy in IPVS mode),
 * runs over-window-masquerade (kube-proxy masqueradeAll: a path that resets in IPVS mode; the
 * plain pod -> ClusterIP path does not, because IPVS un-NATs replies itself) through the same
 * pipeline as the netns lab, and checks that the cluster and every labelled container are gone
 * afterwards.
 *
 * RESETLAB_KIND_CLUSTER=<name> reuses (and keeps) that cluster instead, so repeated runs do
 * not pay for creation; RESETLAB_KIND_NODE_IMAGE pins the Kubernetes version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecaRunner } from '../../harness/exec/runner.js';
import { kindPreconditions } from '../../harness/lab/kind/preconditions.js';
import { provisionKindLab } from '../../harness/lab/kind/provider.js';
import { newPrefix } from '../../harness/lab/prefix.js';
import type { LabTopology } from '../../harness/lab/topology.js';
import { RunReport } from '../../harness/report/schema.js';
import { runScenario } from '../../harness/run/run-scenario.js';
import { builtin } from '../helpers/lab-env.js';

const runner = new ExecaRunner();
const wanted = process.env.RESETLAB_KIND === '1';
const missing = wanted ? await kindPreconditions(runner) : [];
const engineMissing = missing.some((m) => m.includes('Docker'));
const skipReason = !wanted
  ? 'set RESETLAB_KIND=1 to run it (needs kind, kubectl and a Docker engine; takes minutes)'
  : engineMissing
    ? 'no Docker engine'
    : missing.length > 0
      ? `missing ${missing.join(', ')}`
      : '';

const kept = process.env.RESETLAB_KIND_CLUSTER;
const nodeImage = process.env.RESETLAB_KIND_NODE_IMAGE;
const provision = (topology: LabTopology) =>
  provisionKindLab({
    prefix: newPrefix(),
    topology,
    runner,
    ...(kept ? { clusterName: kept, keepCluster: true } : {}),
    ...(nodeImage ? { nodeImage } : {}),
  });

/** Names of kind clusters and of containers labelled by resetlab on this machine. */
async function ours(): Promise<string[]> {
  const clusters = await runner.run(['kind', 'get', 'clusters'], { check: false });
  const containers = await runner.run(['docker', 'ps', '-a', '--filter', 'label=resetlab.prefix', '--format', '{{.Names}}'], { check: false });
  return [...clusters.stdout.split('\n'), ...containers.stdout.split('\n')].map((l) => l.trim()).filter((l) => /^rl-[0-9a-f]{6}/.test(l)).sort();
}

describe.skipIf(skipReason !== '')(`the kind driver on a real cluster${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let before: string[];
  beforeAll(async () => {
    before = await ours();
  });
  afterAll(async () => {
    expect(await ours()).toEqual(before);
  });

  it('over-window-masquerade: resets with liberal=0, none with liberal=1, like the netns lab', { timeout: 1_800_000 }, async () => {
    const [scenario] = await builtin(['over-window-masquerade']);
    const report = await runScenario(scenario!, { provision, runner });
    expect(() => RunReport.parse(report)).not.toThrow();
    expect(report.environment.driver).toBe('kind');
    expect(report.environment.proxyMode).toBe('ipvs');
    const [lib0, lib1] = report.arms;
    expect(lib0!.sysctls['net.netfilter.nf_conntrack_tcp_be_liberal']).toBe(0);
    expect(lib1!.sysctls['net.netfilter.nf_conntrack_tcp_be_liberal']).toBe(1);
    expect(lib0!.requests).toBeGreaterThan(1000);
    expect(lib0!.evidence.injected).toBeGreaterThan(10);
    // Measured on the netns lab with kube-proxy's IPVS data plane (Debian 6.1 guest): the masqueraded
    // path resets (INVALID -> leaked to node-a -> node-a's RST); the plain pod path does not.
    expect(report.verdict.outcome, JSON.stringify(report.arms.map((a) => ({ arm: a.name, resets: a.resets, evidence: a.evidence })))).toBe('reproduced');
    expect(report.complete).toBe(true);
  });
});
