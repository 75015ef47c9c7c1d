import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../exec/fake-runner.js';
import { kindApi, kindPlan } from '../kind/provision.js';
import { readyEndpoints, waitForEndpoint, waitForWorkloads } from './workloads.js';

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
    await waitForEndpoint(runner, kindApi(plan), '10.244.2.3', { endpointsMs: 5000, pollMs: 1 });
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

describe('waitForWorkloads', () => {
  it("a failed rollout says what its pods say (here: an image without the holder's command)", async () => {
    const state = '{"waiting":{"message":"back-off 5m0s restarting failed container","reason":"CrashLoopBackOff"}}';
    const last = '{"terminated":{"exitCode":128,"message":"exec: \\"sleep\\": executable file not found in $PATH","reason":"StartError"}}';
    const runner = new FakeRunner()
      .on(/rollout status deployment\/rl-0a1b2c-server/, { exitCode: 1, stderr: 'error: deployment "rl-0a1b2c-server" exceeded its progress deadline\n' })
      .on(/get pods -l app=rl-0a1b2c-server/, { stdout: `rl-0a1b2c-server-5d9f-x2\trl-0a1b2c-control-plane\tRunning\t${state}\t${last}\n` });
    const error = await waitForWorkloads(runner, kindApi(plan), true, { rolloutMs: 1000 }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/exceeded its progress deadline/);
    expect((error as Error).message).toContain('(pods of deployment/rl-0a1b2c-server: rl-0a1b2c-server-5d9f-x2 rl-0a1b2c-control-plane Running');
    expect((error as Error).message).toContain('executable file not found');
    // The client's rollout is not waited for after the server's failed.
    expect(runner.lines.filter((l) => l.includes('rollout status'))).toHaveLength(1);
  });
  it('a failed read of the pods is said, and the rollout error still stands', async () => {
    const runner = new FakeRunner()
      .on(/rollout status/, { exitCode: 1, stderr: 'error: timed out waiting for the condition\n' })
      .on(/get pods -l/, { exitCode: 1, stderr: 'Unable to connect to the server: net/http: TLS handshake timeout\n' });
    await expect(waitForWorkloads(runner, kindApi(plan), false, { rolloutMs: 1000 })).rejects.toThrow(/timed out waiting for the condition[\s\S]*could not read them: Unable to connect/);
  });
});
