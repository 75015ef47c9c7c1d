import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../exec/fake-runner.js';
import type { LabTopology } from '../topology.js';
import { agentNodeImageDockerfile, agentNodeImageName, bakeAgentImage, bakesAgentImage, createCluster, EVERY_NODE_AGENT_ARCHIVE, kindPlan, removeImage } from './provision.js';

const TOPO: LabTopology = { proxyMode: 'ipvs', client: 'pod', masquerade: true, dropInvalid: false, servicePort: 80, serverPort: 8080 };
const NODE = 'resetlab.local/kind-node:v1.20.2-8d8b0cde';
const offline = kindPlan({ prefix: 'rl-0a1b2c', topology: TOPO, nodeImage: NODE, offlineImage: { key: '8d8b0cdea06b', etcdImage: 'resetlab.local/etcd:3.4.23-4_b4' } });

describe('the run node image with the agent inside (offline image only)', () => {
  it('is derived only for a new cluster from the offline image', () => {
    expect(bakesAgentImage(offline, false)).toBe(true);
    expect(bakesAgentImage(offline, true)).toBe(false);
    expect(bakesAgentImage(kindPlan({ prefix: 'rl-0a1b2c', topology: TOPO, nodeImage: 'kindest/node:v1.33.1' }), false)).toBe(false);
    expect(bakesAgentImage(kindPlan({ prefix: 'rl-0a1b2c', topology: TOPO }), false)).toBe(false);
  });
  it("is named after the run and puts the archive where every node's import finds it", () => {
    expect(agentNodeImageName(offline)).toBe(`${NODE}-rl-0a1b2c`);
    expect(agentNodeImageDockerfile(NODE)).toBe(`FROM ${NODE}\nCOPY resetlab-agent.tar ${EVERY_NODE_AGENT_ARCHIVE}\n`);
    expect(EVERY_NODE_AGENT_ARCHIVE).toMatch(/^\/kind\/images\/every-node\/[^/]+\.tar$/);
  });
  it('saves the agent image, writes the Dockerfile beside it and builds the named image', async () => {
    const runner = new FakeRunner();
    const written: Record<string, string> = {};
    const name = await bakeAgentImage(runner, offline, '/tmp/d', async (p, t) => void (written[p] = t));
    expect(name).toBe(`${NODE}-rl-0a1b2c`);
    expect(runner.lines).toEqual(['docker save -o /tmp/d/resetlab-agent.tar resetlab-agent:local', `docker build -q -t ${NODE}-rl-0a1b2c /tmp/d`]);
    expect(written).toEqual({ '/tmp/d/Dockerfile': agentNodeImageDockerfile(NODE) });
  });
  it('a failed save stops before the build', async () => {
    const runner = new FakeRunner().on(/^docker save/, { exitCode: 1, stderr: 'Error: No such image: resetlab-agent:local' });
    await expect(bakeAgentImage(runner, offline, '/tmp/d', async () => undefined)).rejects.toThrow(/No such image/);
    expect(runner.lines).toHaveLength(1);
  });
  it('removal: an image already gone counts as removed; any other refusal is reported', async () => {
    await expect(removeImage(new FakeRunner().on(/rmi/, { exitCode: 1, stderr: 'Error: No such image: x' }), 'x')).resolves.toBeUndefined();
    await expect(removeImage(new FakeRunner().on(/rmi/, { exitCode: 1, stderr: 'Error response from daemon: conflict: unable to remove repository reference "x" (must force) - container 1f is using its referenced image' }), 'x')).rejects.toThrow(/failed to remove image x: .*conflict/);
  });
});

describe('creating a kept cluster from the offline image', () => {
  it('does not pass --retain: a failed first attempt must be removed by kind so the retry can create it again', async () => {
    const kept = kindPlan({ prefix: 'rl-0a1b2c', topology: TOPO, nodeImage: NODE, clusterName: 'rl-kube', keepCluster: true, offlineImage: { key: '8d8b0cdea06b', etcdImage: 'resetlab.local/etcd:3.4.23-4_b4' } });
    const runner = new FakeRunner().on(/kind create cluster/, { exitCode: 1, stderr: 'ERROR: failed to create cluster: failed to join node with kubeadm\n' }, 1);
    expect(await createCluster(runner, kept, false, () => undefined)).toBe(2);
    expect(runner.lines).toEqual(['kind create cluster --name rl-kube --config - --wait 0s', 'kind create cluster --name rl-kube --config - --wait 0s']);
  });
});
