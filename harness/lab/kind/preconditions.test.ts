import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../errors.js';
import { FakeRunner } from '../../exec/fake-runner.js';
import type { RunOptions } from '../../exec/runner.js';
import { kindFixture } from '../../../test/helpers/fake-kind.js';
import { assertKindPreconditions, kindPreconditions, kindUnsupportedMessage } from './preconditions.js';

const healthy = () =>
  new FakeRunner()
    .on(/^kind version$/, { stdout: 'kind v0.29.0 go1.24.2 linux/amd64\n' })
    .on(/^kubectl version --client$/, { stdout: 'Client Version: v1.33.1\n' })
    .on(/^docker info /, { stdout: '28.2.2\n' });

/** A runner whose binaries in `missing` do not exist (execa's ENOENT surfaces as a throw). */
const without = (missing: string[], inner = healthy()) => ({
  run: (argv: readonly string[], options?: RunOptions) =>
    missing.includes(argv[0]!) ? Promise.reject(new Error(`spawn ${argv[0]} ENOENT`)) : inner.run(argv, options),
});

describe('kindPreconditions', () => {
  it('nothing missing on a machine with kind, kubectl and a Docker engine', async () => {
    expect(await kindPreconditions(healthy())).toEqual([]);
  });

  it('a docker client without an engine (captured stderr on this machine)', async () => {
    const runner = healthy().on(/^docker info /, { exitCode: 1, stdout: '\n', stderr: kindFixture('docker-info-no-engine.stderr.txt') });
    expect(await kindPreconditions(runner)).toEqual([
      'a Docker engine (`docker info` failed: Cannot connect to the Docker daemon at unix:///var/run/docker.sock)',
    ]);
  });

  it('missing binaries are named; the message is one sentence', async () => {
    const missing = await kindPreconditions(without(['kind', 'docker']));
    expect(missing).toEqual(['the kind binary (install it from https://kind.sigs.k8s.io)', 'Docker (the docker command was not found)']);
    expect(kindUnsupportedMessage(missing)).toBe(
      'the kind driver cannot run on this machine: it needs the kind binary (install it from https://kind.sigs.k8s.io) and Docker (the docker command was not found).',
    );
  });

  it('three things: "a, b and c"', () => {
    expect(kindUnsupportedMessage(['a', 'b', 'c'])).toBe('the kind driver cannot run on this machine: it needs a, b and c.');
  });

  it('assertKindPreconditions throws UnsupportedError (exit 2) and runs nothing else', async () => {
    const runner = healthy().on(/^kubectl /, { exitCode: 127, stderr: 'kubectl: not found' });
    const error = await assertKindPreconditions(runner).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).exitCode).toBe(2);
    expect((error as Error).message).toBe('the kind driver cannot run on this machine: it needs the kubectl binary.');
    expect(runner.lines).toEqual(['kind version', 'kubectl version --client', "docker info --format '{{.ServerVersion}}'"]);
  });
});
