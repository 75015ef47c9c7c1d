import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../errors.js';
import { FakeRunner } from '../../exec/fake-runner.js';
import type { LabTopology } from '../topology.js';
import { provisionNetnsLab } from './provider.js';
import type { ProxyFacts } from './proxy-mode.js';
import { useTempRunDir } from '../../../test/helpers/temp-run-dir.js';

const P = 'rl-0a1b2c';
const TOPO: LabTopology = { proxyMode: 'iptables', client: 'pod', masquerade: false, dropInvalid: false, servicePort: 80, serverPort: 8080 };
const ALL: ProxyFacts = { ipVsLoaded: true, ipvsadm: true, nft: true, iptables: true };
const ROLES = ['client', 'node-a', 'node-b', 'server'] as const;
const LIBERAL = 'net.netfilter.nf_conntrack_tcp_be_liberal';

const runDirOf = useTempRunDir();
const ownerFile = () => join(runDirOf(), `${P}.pid`);

const provision = (runner: FakeRunner, topology: Partial<LabTopology> = {}) =>
  provisionNetnsLab({ prefix: P, topology: { ...TOPO, ...topology }, runner, facts: ALL });

/** The `ip netns pids|del` commands issued, in order. */
const deletions = (lines: string[]) => lines.filter((l) => /^ip netns (pids|del) /.test(l));
const deleted = (roles: readonly string[]) => roles.flatMap((r) => [`ip netns pids ${P}-${r}`, `ip netns del ${P}-${r}`]);

describe('provisionNetnsLab: failure part-way', () => {
  it.each<[string, RegExp, string[]]>([
    ['the second namespace', new RegExp(`^ip netns add ${P}-node-a$`), ['client']],
    ['a veth', /link add veth-client/, ['server', 'node-b', 'node-a', 'client']],
    ['an ip batch', new RegExp(`^ip -n ${P}-server -batch`), ['server', 'node-b', 'node-a', 'client']],
    ['iptables-restore', /iptables-restore -w$/, ['server', 'node-b', 'node-a', 'client']],
    ['the evidence rules', new RegExp(`exec ${P}-client nft -f -`), ['server', 'node-b', 'node-a', 'client']],
  ])('when %s fails: rethrows it and deletes exactly the namespaces made so far, newest first', async (_name, failing, removed) => {
    const runner = new FakeRunner().on(failing, { exitCode: 1, stderr: 'boom: line 3 failed\n' }, 1);
    const error = await provision(runner).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).exitCodeOfCommand).toBe(1);
    expect((error as Error).message).toMatch(/boom: line 3 failed/);
    expect((error as Error).message).not.toMatch(/cleanup after the failure/);
    expect(deletions(runner.lines)).toEqual(deleted(removed));
    expect(existsSync(ownerFile())).toBe(false);
  });

  it('adds cleanup problems to the original error instead of replacing it', async () => {
    const runner = new FakeRunner()
      .on(/iptables-restore -w$/, { exitCode: 2, stderr: 'iptables-restore: unable to initialize table' })
      .on(new RegExp(`^ip netns del ${P}-node-b$`), { exitCode: 1, stderr: 'Cannot remove namespace file: Device or resource busy' });
    const error = (await provision(runner).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^failed to run `ip netns exec rl-0a1b2c-node-a iptables-restore -w` \(exit 2\)/);
    expect(error.message).toContain(
      `(cleanup after the failure also reported: failed to remove network namespace ${P}-node-b: failed to delete network namespace ${P}-node-b: Cannot remove namespace file: Device or resource busy)`,
    );
    expect(runner.lines.filter((l) => l.startsWith('ip netns del'))).toHaveLength(4);
    expect(existsSync(ownerFile())).toBe(false);
  });

  it('refuses a prefix another run owns, before any command, and leaves its owner file alone', async () => {
    writeFileSync(ownerFile(), '4242\n');
    const runner = new FakeRunner();
    await expect(provision(runner)).rejects.toThrow(/another run owns it/);
    expect(runner.calls).toEqual([]);
    expect(readFileSync(ownerFile(), 'utf8')).toBe('4242\n');
  });
});

describe('NetnsLab.destroy', () => {
  it('claims the prefix while the lab lives, then kills pids and deletes every namespace, owner file last', async () => {
    const runner = new FakeRunner().on(new RegExp(`^ip netns pids ${P}-server$`), { stdout: '4242\n4243\n' });
    const lab = await provision(runner);
    expect(readFileSync(ownerFile(), 'utf8')).toBe(`${process.pid}\n`);
    const before = runner.calls.length;
    expect(await lab.destroy()).toEqual([]);
    expect(runner.lines.slice(before)).toEqual([
      `ip netns pids ${P}-server`,
      'kill -KILL 4242 4243',
      `ip netns del ${P}-server`,
      ...deleted(['node-b', 'node-a', 'client']),
    ]);
    expect(existsSync(ownerFile())).toBe(false);
    const after = runner.calls.length;
    expect(await lab.destroy()).toEqual([]);
    expect(runner.calls.length).toBe(after);
  });

  it('returns problems instead of throwing and still deletes the rest', async () => {
    const runner = new FakeRunner();
    const lab = await provision(runner);
    runner.on(new RegExp(`^ip netns del ${P}-node-a$`), { exitCode: 1, stderr: 'Device or resource busy\n' });
    expect(await lab.destroy()).toEqual([
      `failed to remove network namespace ${P}-node-a: failed to delete network namespace ${P}-node-a: Device or resource busy`,
    ]);
    expect(runner.lines.filter((l) => l.startsWith('ip netns del'))).toEqual(ROLES.map((r) => `ip netns del ${P}-${r}`).reverse());
    expect(existsSync(ownerFile())).toBe(false);
  });
});

describe('NetnsLab.setSysctls', () => {
  /** A lab whose `sysctl -e` answers `k = v` per role. */
  async function labReading(values: Partial<Record<'node-a' | 'node-b', string>>) {
    const runner = new FakeRunner();
    const lab = await provision(runner);
    for (const [role, stdout] of Object.entries(values)) {
      runner.on(new RegExp(`^ip netns exec ${P}-${role} sysctl -e `), { stdout });
    }
    return { lab, runner, before: runner.calls.length };
  }

  it('writes with `sysctl -w` in each node namespace and returns what it read back', async () => {
    const { lab, runner, before } = await labReading({ 'node-a': `${LIBERAL} = 1\n`, 'node-b': `${LIBERAL} = 1\n` });
    expect(await lab.setSysctls(['node-a', 'node-b'], { [LIBERAL]: 1 })).toEqual({ 'node-a': { [LIBERAL]: 1 }, 'node-b': { [LIBERAL]: 1 } });
    expect(runner.lines.slice(before)).toEqual([
      `ip netns exec ${P}-node-a sysctl -w ${LIBERAL}=1`,
      `ip netns exec ${P}-node-b sysctl -w ${LIBERAL}=1`,
      `ip netns exec ${P}-node-a sysctl -e ${LIBERAL}`,
      `ip netns exec ${P}-node-b sysctl -e ${LIBERAL}`,
    ]);
  });

  it.each<[string, Partial<Record<'node-a' | 'node-b', string>>, string]>([
    ['a different value', { 'node-a': `${LIBERAL} = 1\n`, 'node-b': `${LIBERAL} = 0\n` }, `node-b: ${LIBERAL}: wanted 1, read back 0`],
    ['an absent key', { 'node-a': '', 'node-b': `${LIBERAL} = 1\n` }, `node-a: ${LIBERAL}: wanted 1, read back nothing (key absent)`],
  ])('throws when a node reads back %s', async (_name, reads, problem) => {
    const { lab } = await labReading(reads);
    await expect(lab.setSysctls(['node-a', 'node-b'], { [LIBERAL]: 1 })).rejects.toThrow(`failed to set sysctls: ${problem}`);
  });
});

describe('NetnsLab.flushConntrack', () => {
  it('runs `conntrack -F` on both nodes and tolerates its exit 1 on an empty table', async () => {
    const runner = new FakeRunner();
    const lab = await provision(runner);
    runner.on(/conntrack -F$/, { exitCode: 1, stderr: 'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.' });
    const before = runner.calls.length;
    await lab.flushConntrack();
    expect(runner.lines.slice(before)).toEqual([`ip netns exec ${P}-node-a conntrack -F`, `ip netns exec ${P}-node-b conntrack -F`]);
  });
});
