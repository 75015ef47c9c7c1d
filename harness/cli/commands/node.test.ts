import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GateError, InputError, UnsupportedError } from '../../errors.js';
import { FakeRunner } from '../../exec/fake-runner.js';
import type { CliContext } from '../context.js';
import { registerNodeCommands } from './node.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/nodes/${name}`, import.meta.url));

let stdout = '';
let stderr: string[] = [];
let runner = new FakeRunner();
const roots: string[] = [];
beforeEach(() => {
  stdout = '';
  stderr = [];
  runner = new FakeRunner();
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

/** Runs `resetlab <args>` with only the node commands registered; resolves to the error thrown, if any. */
async function run(...args: string[]): Promise<unknown> {
  const ctx: CliContext = { runner, signal: new AbortController().signal, say: (l) => stderr.push(l), tty: false, colour: false };
  const program = new Command('resetlab').exitOverride();
  registerNodeCommands(program, () => ctx);
  return program.parseAsync(['node', 'resetlab', ...args]).then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('resetlab node check', () => {
  it('exits 0 (no error) and prints the verdict when it will survive', async () => {
    expect(await run('node', 'check', '--root', fixture('module-listed'))).toBeUndefined();
    expect(stdout).toContain('Verdict: will survive reboot:');
  });

  it('throws GateError (exit 3) when it will be lost, after printing one JSON document with --json', async () => {
    const error = await run('node', 'check', '--root', fixture('late-module'), '--json');
    expect(error).toBeInstanceOf(GateError);
    expect((error as GateError).exitCode).toBe(3);
    expect(JSON.parse(stdout)).toMatchObject({ schema: 'resetlab/node-check@1', verdict: { kind: 'lost' } });
  });

  it('exits 2 on a --root that is not a directory', async () => {
    const error = await run('node', 'check', '--root', join(tmpdir(), 'rl-test-does-not-exist'));
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('--root: ');
  });

  it('--driver kind without a Docker engine: UnsupportedError (exit 2), nothing else run', async () => {
    runner.on(/^docker info/, { exitCode: 1, stderr: 'Cannot connect to the Docker daemon' });
    const error = await run('node', 'check', '--driver', 'kind');
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(runner.lines).toEqual(["docker info --format '{{.ServerVersion}}'"]);
  });

  it('--driver kind checks every node of the cluster (node-checks@1 with --json)', async () => {
    runner.on(/^docker exec/, { exitCode: 1 }).on(/^docker info/, { stdout: '27.3.1\n' }).on(/^docker ps/, { stdout: 'kind-control-plane\nkind-worker\n' });
    const error = await run('node', 'check', '--driver', 'kind', '--json');
    expect(error).toBeInstanceOf(GateError);
    const doc = JSON.parse(stdout) as { schema: string; checks: { target: string }[] };
    expect(doc.schema).toBe('resetlab/node-checks@1');
    expect(doc.checks.map((c) => c.target)).toEqual(['kind node kind-control-plane', 'kind node kind-worker']);
  });

  it('rejects --root with --driver kind, and --node without it', async () => {
    expect(await run('node', 'check', '--driver', 'kind', '--root', fixture('builtin'))).toBeInstanceOf(InputError);
    expect(await run('node', 'check', '--node', 'kind-worker')).toBeInstanceOf(InputError);
    expect(runner.lines).toEqual([]);
  });
});

describe('resetlab node persist', () => {
  const tempRoot = async (from: string): Promise<string> => {
    const root = await mkdtemp(join(tmpdir(), 'rl-test-'));
    roots.push(root);
    await cp(fixture(from), root, { recursive: true, verbatimSymlinks: true });
    return root;
  };

  it('without --apply prints both files and changes nothing', async () => {
    const root = await tempRoot('late-module');
    expect(await run('node', 'persist', '--root', root)).toBeUndefined();
    expect(stdout).toContain(`# ${root}/etc/sysctl.d/90-resetlab-conntrack.conf (new)`);
    expect(stdout).toContain(`# ${root}/etc/modules-load.d/90-resetlab-conntrack.conf (new)`);
    expect(stdout).toContain('With these files, node check would say: will survive reboot');
    expect(await readdir(join(root, 'etc/sysctl.d'))).toEqual(['90-liberal.conf']);
  });

  it('--apply writes, then node check passes; the override warning goes to stderr', async () => {
    const root = await tempRoot('overridden');
    expect(await run('node', 'persist', '--root', root, '--apply')).toBeUndefined();
    expect(stderr[0]).toMatch(/^warning: \/etc\/sysctl.d\/99-other.conf:3 .* use --name 99-resetlab-conntrack$/);
    expect(await run('node', 'check', '--root', root)).toBeInstanceOf(GateError);
    expect(await run('node', 'persist', '--root', root, '--apply', '--name', '99-resetlab-conntrack')).toBeUndefined();
    expect(await run('node', 'check', '--root', root)).toBeUndefined();
  });

  it('rejects a bad --name and --force without --apply before reading anything', async () => {
    const error = await run('node', 'persist', '--root', fixture('builtin'), '--name', '../x', '--force');
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.map((p) => p.field)).toEqual(['--name', '--force']);
  });
});
