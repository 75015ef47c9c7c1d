import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../errors.js';
import { FakeRunner } from '../../exec/fake-runner.js';
import { kindFlagProblems, prepareKindDriver } from './driver.js';

const ctx = (runner: FakeRunner) => ({ runner });

describe('kindFlagProblems', () => {
  it('accepts the kind flags with --driver kind', () => {
    expect(kindFlagProblems({ driver: 'kind', keepCluster: true, cluster: 'ci-1', nodeImage: 'kindest/node:v1.33.1', kubeProxyMode: 'nftables' })).toEqual([]);
  });

  it('lists every problem at once', () => {
    expect(kindFlagProblems({ driver: 'kind', cluster: 'My_Cluster', kubeProxyMode: 'userspace', nodeImage: 'bad image' })).toEqual([
      { file: 'flags', field: '--cluster', message: `"My_Cluster" is not a valid kind cluster name (lowercase letters, digits, '-' and '.', at most 40)` },
      { file: 'flags', field: '--node-image', message: '"bad image" is not an image reference' },
    ]);
  });

});

describe('prepareKindDriver', () => {
  it('on a machine without kind and without a Docker engine: one sentence naming both, exit 2', async () => {
    const runner = new FakeRunner()
      .on(/^kind /, { exitCode: 127, stderr: 'sh: kind: not found' })
      .on(/^docker info/, { exitCode: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' });
    const error = await prepareKindDriver(ctx(runner), { driver: 'kind' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).exitCode).toBe(2);
    expect((error as Error).message).toBe(
      'the kind driver cannot run on this machine: it needs the kind binary (install it from https://kind.sigs.k8s.io) and a Docker engine (`docker info` failed: Cannot connect to the Docker daemon at unix:///var/run/docker.sock).',
    );
  });
});
