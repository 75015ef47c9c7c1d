import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../exec/fake-runner.js';
import { deleteNamespace, listRunNamespaces, removeLeftovers } from './cleanup.js';
import { useTempRunDir } from '../../../test/helpers/temp-run-dir.js';

const DEAD_PID = 2 ** 22 + 12345;
/** `ip netns list` as iproute2 prints it: namespaces with an nsid show `(id: N)`. */
const LIST = [
  'rl-0a1b2c-server (id: 3)',
  'rl-0a1b2c-node-a (id: 1)',
  'other-ns',
  'rl-ffffff-client',
  'rl-abc-server (id: 7)',
  'rl-0A1B2C-node-b',
  'cni-1234-rl-0a1b2c-x',
  '',
].join('\n');

const runDirOf = useTempRunDir();
const own = (prefix: string, pid: number) => writeFileSync(join(runDirOf(), `${prefix}.pid`), `${pid}\n`);
const hasOwnerFile = (prefix: string) => existsSync(join(runDirOf(), `${prefix}.pid`));
const listing = (stdout: string) => new FakeRunner().on(/^ip netns list$/, { stdout });
/** Names touched by `ip netns pids|del|exec` or `kill`. */
const touched = (lines: string[]) => lines.filter((l) => l !== 'ip netns list');


describe('listRunNamespaces', () => {
  it('groups resetlab namespaces by prefix, in listing order, and ignores every other name', async () => {
    const byPrefix = await listRunNamespaces(listing(LIST));
    expect([...byPrefix]).toEqual([
      ['rl-0a1b2c', ['rl-0a1b2c-server', 'rl-0a1b2c-node-a']],
      ['rl-ffffff', ['rl-ffffff-client']],
    ]);
  });

  it.each<[string, { stdout?: string; stderr?: string; exitCode?: number }]>([
    ['no namespaces at all', { stdout: '' }],
    ['only foreign namespaces', { stdout: 'other-ns\ncni-5e6f (id: 0)\n' }],
    ['`ip netns list` failing', { exitCode: 1, stderr: 'Permission denied' }],
  ])('is empty with %s', async (_name, answer) => {
    const runner = new FakeRunner().on(/^ip netns list$/, answer);
    expect((await listRunNamespaces(runner)).size).toBe(0);
  });
});

describe('deleteNamespace', () => {
  it('kills the processes inside, then deletes', async () => {
    const runner = new FakeRunner().on(/pids/, { stdout: '1234\n5678\n' });
    await deleteNamespace(runner, 'rl-0a1b2c-server');
    expect(runner.lines).toEqual(['ip netns pids rl-0a1b2c-server', 'kill -KILL 1234 5678', 'ip netns del rl-0a1b2c-server']);
  });

  it('is done when the namespace is already gone', async () => {
    const gone = 'Cannot open network namespace "rl-0a1b2c-server": No such file or directory';
    const runner = new FakeRunner().on(/pids/, { exitCode: 1, stderr: gone });
    await deleteNamespace(runner, 'rl-0a1b2c-server');
    expect(runner.lines).toEqual(['ip netns pids rl-0a1b2c-server']);
  });

  it('throws "failed to delete" when `ip netns del` fails for another reason', async () => {
    const runner = new FakeRunner().on(/del/, { exitCode: 1, stderr: 'Cannot remove namespace file "/run/netns/x": Device or resource busy\n' });
    await expect(deleteNamespace(runner, 'rl-0a1b2c-server')).rejects.toThrow(
      'failed to delete network namespace rl-0a1b2c-server: Cannot remove namespace file "/run/netns/x": Device or resource busy',
    );
  });
});

describe('removeLeftovers', () => {
  it('removes namespaces of runs without an owner file; touches no foreign namespace', async () => {
    const runner = listing(LIST);
    expect(await removeLeftovers(runner)).toEqual({
      removed: ['rl-0a1b2c-server', 'rl-0a1b2c-node-a', 'rl-ffffff-client'],
      inUse: [],
      problems: [],
    });
    const names = touched(runner.lines).map((l) => l.split(' ').at(-1));
    expect(new Set(names)).toEqual(new Set(['rl-0a1b2c-server', 'rl-0a1b2c-node-a', 'rl-ffffff-client']));
  });

  it('leaves a run owned by another live process alone and releases dead owners', async () => {
    own('rl-0a1b2c', process.ppid);
    own('rl-ffffff', DEAD_PID);
    const runner = listing(LIST);
    expect(await removeLeftovers(runner)).toEqual({
      removed: ['rl-ffffff-client'],
      inUse: [`rl-0a1b2c-server (pid ${process.ppid})`, `rl-0a1b2c-node-a (pid ${process.ppid})`],
      problems: [],
    });
    expect(touched(runner.lines).filter((l) => l.includes('rl-0a1b2c'))).toEqual([]);
    expect(hasOwnerFile('rl-0a1b2c')).toBe(true);
    expect(hasOwnerFile('rl-ffffff')).toBe(false);
  });

  it('treats namespaces owned by this very process as its own and removes them', async () => {
    own('rl-0a1b2c', process.pid);
    const report = await removeLeftovers(listing(LIST));
    expect(report.removed).toEqual(['rl-0a1b2c-server', 'rl-0a1b2c-node-a', 'rl-ffffff-client']);
    expect(report.inUse).toEqual([]);
  });

  it('collects deletion problems and goes on with the other namespaces', async () => {
    const runner = listing(LIST).on(/^ip netns del rl-0a1b2c-server$/, { exitCode: 1, stderr: 'Device or resource busy' });
    expect(await removeLeftovers(runner)).toEqual({
      removed: ['rl-0a1b2c-node-a', 'rl-ffffff-client'],
      inUse: [],
      problems: ['failed to delete network namespace rl-0a1b2c-server: Device or resource busy'],
    });
  });
});
