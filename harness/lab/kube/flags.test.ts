import { describe, expect, it } from 'vitest';
import { contextAllowed, cpuRequestFlag, KUBE_CPU_REQUEST, kubeFlagProblems, NODE_AGENT_CPU_REQUEST, parseNodesFlag } from './flags.js';
import { contextRefusal } from './preflight.js';

describe('kube flags', () => {
  it('local-looking contexts pass; others only when --allow-context names exactly them', () => {
    for (const c of ['kind-rl-1a2b3c', 'kind-kind', 'minikube', 'k3d-dev', 'docker-desktop']) expect(contextAllowed(c, undefined), c).toBe(true);
    for (const c of ['prod-eu', 'kind', 'arn:aws:eks:eu-west-1:1:cluster/staging', 'gke_p_z_c', 'minikube-prod']) expect(contextAllowed(c, undefined), c).toBe(false);
    expect(contextAllowed('staging', 'staging')).toBe(true);
    expect(contextAllowed('staging', 'stagin')).toBe(false);
    expect(contextRefusal('prod-eu', 'https://10.0.0.1:6443')).toMatch(/^refusing context "prod-eu" \(https:\/\/10\.0\.0\.1:6443\): .*pass --allow-context prod-eu if that is what you want$/);
  });

  it('lists every problem at once, with the flag it is about', () => {
    expect(kubeFlagProblems({ nodes: 'a', yes: true, dryRun: true, context: ' ', agentImage: 'x y' }).map((p) => p.field)).toEqual(['--context', '--nodes', '--agent-image', '--dry-run']);
    expect(kubeFlagProblems({ nodes: 'w1,w1' })[0]!.message).toMatch(/must differ/);
    expect(kubeFlagProblems({ nodes: 'w1,W_2' })[0]!.message).toBe('"W_2" is not a node name');
    expect(kubeFlagProblems({ nodes: 'kind-worker, kind-control-plane', context: 'kind-x', yes: true })).toEqual([]);
    expect(parseNodesFlag('kind-worker, kind-control-plane')).toEqual(['kind-worker', 'kind-control-plane']);
    expect(parseNodesFlag(undefined)).toBeNull();
  });

  it('--cpu-request: millicores or cores; 0 means no request; absent means the default', () => {
    for (const v of ['250m', '1', '0.5', '0', '0m', '1500m']) expect(kubeFlagProblems({ cpuRequest: v }), v).toEqual([]);
    for (const v of ['', '250M', '-1', 'lots', '0.0001', '1 cpu']) expect(kubeFlagProblems({ cpuRequest: v }).map((p) => p.field), v).toEqual(['--cpu-request']);
    expect(cpuRequestFlag(undefined)).toEqual({ serverAndClient: KUBE_CPU_REQUEST, nodeAgent: NODE_AGENT_CPU_REQUEST });
    expect(cpuRequestFlag('500m')).toEqual({ serverAndClient: '500m', nodeAgent: '50m' });
    expect(cpuRequestFlag('0.5')).toEqual({ serverAndClient: '0.5', nodeAgent: '50m' });
    for (const v of ['0', '0m', '0.0', '000m']) expect(cpuRequestFlag(v), v).toBeNull();
  });
});
