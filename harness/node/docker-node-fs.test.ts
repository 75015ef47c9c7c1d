import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CommandError, UnsupportedError } from '../errors.js';
import { FakeRunner } from '../exec/fake-runner.js';
import { checkNode } from './check.js';
import { DockerNodeFs } from './docker-node-fs.js';
import { checkKindNodes, listKindNodes, requireDockerEngine } from './kind.js';
import { LocalNodeFs } from './local-node-fs.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/nodes/${name}`, import.meta.url));

/** A FakeRunner that answers `docker exec <node> cat|ls|test` from a fixture tree (no symlinks in it). */
function fakeNode(node: string, root: string): FakeRunner {
  const runner = new FakeRunner().on((l) => l.startsWith(`docker exec ${node} `), { exitCode: 1, stderr: 'No such file or directory' });
  const walk = (dir: string, path: string): void => {
    runner.on((l) => l === `docker exec ${node} ls -1A -- ${path}/` || l === `docker exec ${node} test -e ${path}`, { stdout: readdirSync(dir).join('\n') + '\n' });
    for (const name of readdirSync(dir)) {
      const host = join(dir, name);
      if (statSync(host).isDirectory()) walk(host, `${path}/${name}`);
      else runner.on((l) => l === `docker exec ${node} cat -- ${path}/${name}` || l === `docker exec ${node} test -e ${path}/${name}`, { stdout: readFileSync(host, 'utf8') });
    }
  };
  walk(root, '');
  return runner;
}

describe('DockerNodeFs', () => {
  it('reads with cat, lists with ls on a trailing slash, tests with test -e', async () => {
    // Later answers are checked first: everything else in the node is missing (exit 1).
    const runner = new FakeRunner().on(/^docker exec kind-worker /, { exitCode: 1 });
    runner.on(/cat -- \/etc\/sysctl.conf$/, { stdout: 'x = 1\n' });
    runner.on(/ls -1A -- \/etc\/sysctl.d\/$/, { stdout: 'a.conf\nb.conf\n' });
    runner.on(/test -e \/sys\/module\/nf_conntrack$/, { exitCode: 0 });
    const fs = new DockerNodeFs(runner, 'kind-worker');
    expect(fs.label).toBe('kind node kind-worker');
    expect(await fs.readFile('/etc/sysctl.conf')).toBe('x = 1\n');
    expect(await fs.readFile('/etc/nope')).toBeNull();
    expect(await fs.listDir('/etc/sysctl.d')).toEqual(['a.conf', 'b.conf']);
    expect(await fs.listDir('/etc/nope')).toBeNull();
    expect(await fs.exists('/sys/module/nf_conntrack')).toBe(true);
    expect(await fs.exists('/sys/module/nope')).toBe(false);
    expect(runner.lines.slice(0, 3)).toEqual([
      'docker exec kind-worker cat -- /etc/sysctl.conf',
      'docker exec kind-worker cat -- /etc/nope',
      'docker exec kind-worker ls -1A -- /etc/sysctl.d/',
    ]);
  });

  it('throws the CommandError when docker itself fails (exit 125), instead of reporting the file missing', async () => {
    const runner = new FakeRunner().on(/^docker exec/, { exitCode: 125, stderr: 'Error response from daemon: No such container: gone' });
    await expect(new DockerNodeFs(runner, 'gone').readFile('/etc/sysctl.conf')).rejects.toThrow(CommandError);
    await expect(new DockerNodeFs(runner, 'gone').readFile('/etc/sysctl.conf')).rejects.toThrow(/docker exec gone cat -- \/etc\/sysctl.conf.*exit 125/s);
  });
});

describe('kind driver', () => {
  it('checks a node through docker exec with the same result as the local check of the same tree', async () => {
    const runner = fakeNode('kind-worker', fixture('overridden'));
    const [viaDocker] = await checkKindNodes(runner, ['kind-worker']);
    const local = await checkNode(new LocalNodeFs(fixture('overridden')));
    expect(viaDocker!.target).toBe('kind node kind-worker');
    expect(viaDocker!.verdict).toEqual(local.verdict);
    expect(viaDocker!.findings).toEqual(local.findings);
    expect(runner.lines.every((l) => l.startsWith('docker exec kind-worker '))).toBe(true);
  });

  it('refuses without a Docker engine: UnsupportedError (exit 2), one sentence', async () => {
    const runner = new FakeRunner().on(/^docker info/, { exitCode: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' });
    const error = await requireDockerEngine(runner).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).exitCode).toBe(2);
    expect((error as Error).message).toBe('--driver kind needs a running Docker engine, and none answers `docker info` on this machine.');
  });

  it('accepts a Docker engine that answers, and lists a cluster’s nodes by label', async () => {
    const runner = new FakeRunner().on(/^docker info/, { stdout: '27.3.1\n' }).on(/^docker ps/, { stdout: 'kind-worker\nkind-control-plane\n' });
    await requireDockerEngine(runner);
    expect(await listKindNodes(runner, 'kind')).toEqual(['kind-control-plane', 'kind-worker']);
    expect(runner.lines.at(-1)).toBe("docker ps --filter label=io.x-k8s.kind.cluster=kind --format '{{.Names}}'");
  });
});
