import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../exec/fake-runner.js';
import { loadScenarios } from '../../scenario/load.js';
import { kubeReadiness, nodeChanges } from './driver.js';
import { KUBE_CLUSTER } from '../../../test/helpers/kube-cluster.js';

describe('kube readiness (doctor)', () => {
  it('needs kubectl and a current context; never contacts a cluster', async () => {
    const none = new FakeRunner().on(/current-context/, { exitCode: 1, stderr: 'error: current-context is not set\n' });
    expect(await kubeReadiness(none)).toMatchObject({ ready: false, missing: ['a kubeconfig context (kubectl has no current context)'] });
    const ok = new FakeRunner().on(/current-context/, { stdout: 'kind-dev\n' });
    expect(await kubeReadiness(ok)).toEqual({ ready: true, missing: [], fix: null });
    expect(ok.lines).toEqual(['kubectl version --client', 'kubectl config current-context']);
    const noKubectl = new FakeRunner().on(/version --client/, { exitCode: 127, stderr: 'kubectl: not found' });
    expect(await kubeReadiness(noKubectl)).toMatchObject({ ready: false, missing: ['the kubectl binary'] });
  });
});

describe('what a kube run says it will do', () => {
  const cluster = KUBE_CLUSTER;

  it("lists node A's sysctls, the evidence table, our masquerade rule only where a scenario needs it, the namespace and the CPU the pods request", async () => {
    const scenarios = await loadScenarios(['over-window-masquerade', 'over-window'], { builtinDir: 'scenarios' });
    const lines = nodeChanges(cluster, scenarios);
    expect(lines.map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(["change node rl-worker's", 'add to node', 'add to node', 'create one namespace', 'request 250m CPU']);
    expect(lines[0]).toContain('net.netfilter.nf_conntrack_tcp_be_liberal=0 | net.netfilter.nf_conntrack_tcp_be_liberal=1');
    expect(lines[2]).toMatch(/MASQUERADE rule for the run's client pod -> server pod only \(kube-proxy's masqueradeAll is false/);
    expect(lines[4]).toBe('request 250m CPU for the server pod (on rl-control-plane) and for the client pod, 50m for the node agent (no limits; --cpu-request 0 for none)');
    // No masquerade rule of ours where kube-proxy masquerades everything, or for the plain path; BestEffort said plainly.
    const plain = nodeChanges({ ...cluster, cpuRequest: null }, scenarios.slice(1));
    expect(plain.some((l) => l.includes('MASQUERADE'))).toBe(false);
    expect(plain.at(-1)).toMatch(/^request no CPU for its pods \(--cpu-request 0\): they are BestEffort/);
    expect(nodeChanges({ ...cluster, kubeProxy: { ...cluster.kubeProxy, masqueradeAll: true } }, scenarios.slice(0, 1)).some((l) => l.includes('MASQUERADE'))).toBe(false);
  });
});
