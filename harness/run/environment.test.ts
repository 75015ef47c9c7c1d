import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../exec/fake-runner.js';
import type { Lab } from '../lab/lab.js';
import { Environment } from '../report/schema.js';
import { FINGERPRINT_SYSCTLS, readEnvironment } from './environment.js';

/** The parts of a Lab that readEnvironment reads. */
function fakeLab(driver: 'netns' | 'kind', knobs: Record<string, unknown>): Lab {
  return {
    driver,
    prefix: 'rl-0a1b2c',
    nodeRoles: ['node-a', 'node-b'],
    dataPlane: { proxyMode: driver === 'kind' ? 'ipvs' : 'iptables', reason: 'test', knobs },
    readSysctls: async (roles: readonly string[], keys: readonly string[]) =>
      Object.fromEntries(roles.map((r) => [r, Object.fromEntries(keys.slice(0, 2).map((k) => [k, 0]))])),
  } as unknown as Lab;
}

describe('readEnvironment', () => {
  it('reads every fingerprint sysctl per node and validates against the schema', async () => {
    const env = await readEnvironment(fakeLab('netns', {}), new FakeRunner().on(/rev-parse/, { stdout: 'abc123\n' }));
    expect(() => Environment.parse(env)).not.toThrow();
    expect(env.gitCommit).toBe('abc123');
    expect(Object.keys(env.sysctls!)).toEqual(['node-a', 'node-b']);
    expect(FINGERPRINT_SYSCTLS).toContain('net.netfilter.nf_conntrack_tcp_be_liberal');
    expect(env.kubernetes).toBeUndefined();
  });

  it('records the Kubernetes and kube-proxy versions for kind, as the cluster reported them', async () => {
    const env = await readEnvironment(
      fakeLab('kind', { kubeProxyVersion: 'v1.33.1', kubeProxyImage: 'registry.k8s.io/kube-proxy:v1.33.1', nodeImage: 'kindest/node:v1.33.1' }),
      new FakeRunner(),
    );
    expect(env.kubernetes).toEqual({ version: 'v1.33.1', kubeProxyVersion: 'v1.33.1', kubeProxyMode: 'ipvs', nodeImage: 'kindest/node:v1.33.1' });
    expect(() => Environment.parse(env)).not.toThrow();
  });
});
