/**
 * Trust properties on a real machine: runs killed with SIGKILL at random points leave
 * nothing after `resetlab cleanup` (or the next run); a killed or hung agent marks the arm
 * disturbed instead of passing; two runs at once do not collide; no lab packet ever shows up
 * on the host's interfaces.
 */
import { execa, type ResultPromise } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAgentProcesses } from '../../harness/lab/leftover-processes.js';
import { liveOwner, ownerDir } from '../../harness/lab/owner.js';
import { prefixOf } from '../../harness/lab/prefix.js';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { diffHost, snapshotHost } from '../helpers/host-state.js';
import { useLabScratch, IS_ROOT, ourNamespaces, SKIP_REASON } from '../helpers/lab-env.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the run's prefix once `child` has printed `pattern` on stderr. */
function waitFor(child: ResultPromise, pattern: RegExp): Promise<string> {
  let text = '';
  return new Promise((resolve) => {
    child.stderr!.on('data', (c: Buffer) => {
      text += c.toString();
      if (pattern.test(text)) resolve(/lab (rl-[0-9a-f]{6}):/.exec(text)?.[1] ?? '');
    });
  });
}

/** The agent process `name` of the run with `prefix`. */
function agentOf(prefix: string, name: string) {
  return findAgentProcesses().find((p) => p.prefix === prefix && readCmd(p.pid).includes(`agents/${name}.js`));
}

/** Agent processes of runs that no live process owns. */
const orphanAgents = () => findAgentProcesses().filter((p) => liveOwner(p.prefix) === null);
/** Owner files and run folders (a vm run's `<prefix>-vm`) of runs no live process owns. */
const staleOwnerFiles = () =>
  existsSync(ownerDir()) ? readdirSync(ownerDir()).filter((f) => liveOwner(prefixOf(f.replace(/\.pid$/, '') + '-') ?? f) === null) : [];

describe.skipIf(!IS_ROOT)(`safety${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  const scratch = useLabScratch();

  it('SIGKILL at random points, repeatedly: cleanup removes every namespace, owner file and agent; the host is untouched', async () => {
    const host = await snapshotHost();
    for (let i = 0; i < 5; i++) {
      const child = execa('node', [bin, 'run', 'over-window', '--duration', '3s', '--out', scratch()], { reject: false });
      await sleep(200 + Math.random() * 4500);
      child.kill('SIGKILL');
      await child;
      await sleep(300);
      const r = await execa('node', [bin, 'cleanup'], { reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(await ourNamespaces()).toEqual([]);
      expect(staleOwnerFiles()).toEqual([]);
      expect(orphanAgents()).toEqual([]);
    }
    expect(diffHost(host, await snapshotHost())).toEqual({});
  });

  it('the next run removes what a killed run left, with a clear message', async () => {
    const child = execa('node', [bin, 'run', 'none', '--duration', '5s', '--out', scratch()], { reject: false });
    await waitFor(child, /arm liberal=0/);
    child.kill('SIGKILL');
    await child;
    expect((await ourNamespaces()).length).toBeGreaterThan(0);
    const r = await execa('node', [bin, 'run', 'none', '--duration', '2s', '--out', scratch()], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/removed \d+ namespace\(s\) left by an earlier run that did not finish/);
    expect(await ourNamespaces()).toEqual([]);
  });

  it('a killed agent marks its arm disturbed: inconclusive, not passed', async () => {
    // --fixed: the baseline arm must still be running 1.5 s in (a sequential arm may be decided sooner).
    const child = execa('node', [bin, 'run', 'over-window', '--duration', '6s', '--fixed', '--json', '--out', scratch()], { reject: false });
    const prefix = await waitFor(child, /arm liberal=0/);
    await sleep(1500);
    const injector = agentOf(prefix, 'inject');
    expect(injector).toBeDefined();
    process.kill(injector!.pid, 'SIGKILL');
    const r = await child;
    const report = JSON.parse(r.stdout);
    expect(report.arms[0].disturbed.join(' ')).toMatch(/inject agent died without a result/);
    expect(report.verdict.outcome).toBe('inconclusive');
    expect(await ourNamespaces()).toEqual([]);
  });

  it('a hung load agent is killed at its deadline and the arm is disturbed', async () => {
    const child = execa('node', [bin, 'run', 'none', '--duration', '2s', '--json', '--out', scratch()], { reject: false });
    const prefix = await waitFor(child, /arm liberal=0/);
    await sleep(500);
    const load = agentOf(prefix, 'load');
    expect(load).toBeDefined();
    process.kill(load!.pid, 'SIGSTOP');
    const r = await child;
    const report = JSON.parse(r.stdout);
    expect(report.arms[0].disturbed.join(' ')).toMatch(/load agent was killed at its deadline/);
    expect(report.verdict.outcome).toBe('inconclusive');
    expect(await ourNamespaces()).toEqual([]);
  }, 60_000);

  it('two runs at once do not collide, and no lab packet appears on the host', async () => {
    const capture = execa('timeout', ['60', 'tcpdump', '-i', 'any', '-n', '-p', '-c', '1',
      'net 10.244.0.0/16 or net 10.96.0.0/16 or net 172.18.0.0/24 or net 172.19.0.0/24'], { reject: false });
    await sleep(1000);
    const runs = [0, 1].map(() => execa('node', [bin, 'run', 'over-window-masquerade', '--duration', '10s', '--json', '--out', scratch()], { reject: false }));
    const results = await Promise.all(runs);
    for (const r of results) {
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).verdict.outcome).toBe('reproduced');
    }
    const prefixes = results.map((r) => /lab (rl-[0-9a-f]{6}):/.exec(r.stderr)?.[1]);
    expect(prefixes[0]).toBeDefined();
    expect(prefixes[1]).toBeDefined();
    expect(prefixes[0]).not.toBe(prefixes[1]);
    capture.kill('SIGINT');
    const cap = await capture;
    expect(cap.stderr).toMatch(/0 packets captured/);
    expect(await ourNamespaces()).toEqual([]);
  });
});

function readCmd(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
