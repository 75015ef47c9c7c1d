import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../exec/fake-runner.js';
import { kindPlan } from './provision.js';
import { readyEndpoints, waitForEndpoint } from './workloads.js';

const plan = kindPlan({
  prefix: 'rl-0a1b2c',
  topology: { proxyMode: 'auto', client: 'pod', masquerade: false, dropInvalid: false, servicePort: 80, serverPort: 8080 },
});

describe('endpoints', () => {
  it('readyEndpoints keeps ready addresses only', () => {
    expect(readyEndpoints('10.244.2.3\tfalse\n10.244.2.4\ttrue\n')).toEqual(['10.244.2.4']);
  });

  it('waitForEndpoint polls until the server pod is ready', async () => {
    const runner = new FakeRunner([{ match: /endpointslices/, result: { stdout: '10.244.2.3\ttrue\n' } }])
      .on(/endpointslices/, { stdout: '10.244.2.3\tfalse\n' }, 2);
    await waitForEndpoint(runner, plan, '10.244.2.3', { endpointsMs: 5000, pollMs: 1 });
    expect(runner.lines).toHaveLength(3);
  });
});

describe('kindPlan', () => {
  it('defaults: cluster = prefix, ipvs for auto, our image built', () => {
    expect(plan).toMatchObject({ cluster: 'rl-0a1b2c', keep: false, mode: 'ipvs', image: 'resetlab-agent:local', buildImage: true });
  });
  it('keepCluster without a name uses "resetlab"; an explicit kubeProxyMode wins over the scenario', () => {
    const topology = { proxyMode: 'iptables', client: 'pod', masquerade: false, dropInvalid: false, servicePort: 80, serverPort: 8080 } as const;
    const p = kindPlan({ prefix: 'rl-0a1b2c', keepCluster: true, kubeProxyMode: 'nftables', topology });
    expect(p).toMatchObject({ cluster: 'resetlab', keep: true, mode: 'nftables', modeReason: 'kubeProxyMode nftables asked for the kind driver' });
  });
});
