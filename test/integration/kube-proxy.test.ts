/**
 * The real kube-proxy v1.20.2 (built from Debian's source into the cache, built here first if
 * missing: about 20 min on 2 shared cores) as node-a's data plane, through the CLI as a user
 * runs it: over-window is protected by kube-proxy's own INVALID drop (counted from its rule),
 * the masqueraded path still resets. Nothing is left behind; the host's state is identical.
 */
import { execa } from 'execa';
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { liveOwner } from '../../harness/lab/owner.js';
import { prefixOf } from '../../harness/lab/prefix.js';
import { ExecaRunner } from '../../harness/exec/runner.js';
import { kubernetesCacheRoot } from '../../harness/kubernetes/cache.js';
import { resolveKubernetes } from '../../harness/kubernetes/resolve.js';
import { diffHost, snapshotHost, type HostState } from '../helpers/host-state.js';
import { cleanSlate, IS_ROOT, ourNamespaces, SKIP_REASON } from '../helpers/lab-env.js';
import { tempDir } from '../helpers/temp-dir.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');

/**
 * Processes whose executable lives in the Kubernetes cache (kube-proxy, kube-apiserver, etcd),
 * except those in the namespaces of a run still going (found by prefix); with `ownedBy`, only
 * those of the live run of that pid.
 */
async function kubeProcesses(ownedBy?: number): Promise<string[]> {
  const root = kubernetesCacheRoot();
  const out: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const exe = await readlink(`/proc/${pid}/exe`).catch(() => '');
    if (!exe.startsWith(root)) continue;
    const ns = (await execa('ip', ['netns', 'identify', pid], { reject: false })).stdout.trim();
    const prefix = prefixOf(ns);
    const owner = prefix ? liveOwner(prefix) : null;
    if (ownedBy !== undefined ? owner !== ownedBy : owner !== null) continue;
    out.push(`${pid} ${exe}`);
  }
  return out;
}

describe.skipIf(!IS_ROOT)(`the real kube-proxy v1.20.2${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let host: HostState;
  beforeAll(async () => {
    await cleanSlate();
    // Built once per machine (cached; a second run builds nothing).
    await resolveKubernetes(kubernetesCacheRoot(), { kind: 'debian', version: 'v1.20.2' }, { runner: new ExecaRunner(), say: (l) => process.stderr.write(`${l}\n`) });
    host = await snapshotHost();
  }, 3 * 3600_000);
  afterAll(async () => {
    await cleanSlate();
  });

  it('over-window is protected by its INVALID drop, masqueradeAll still resets; nothing left, host identical', async () => {
    const r = await execa('node', [bin, 'run', 'over-window', 'over-window-masquerade', '--kube-proxy', 'v1.20.2', '--duration', '10s', '--json', '--out', tempDir('rl-kp-')], { reject: false });
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(0);
    const doc = JSON.parse(r.stdout) as { runs: { scenario: { name: string }; environment: Record<string, any>; arms: any[]; verdict: { outcome: string } }[] };
    const [plain, masq] = doc.runs;
    for (const run of doc.runs) {
      expect(run.environment.kubeProxy.version).toBe('v1.20.2');
      expect(run.environment.kubeProxy.kind).toBe('real');
      expect(run.environment.kubeProxy.mode).toBe('iptables');
      expect(run.environment.proxyMode).toBe('iptables');
      expect(run.environment.kubeProxy.wroteInvalidDrop).toBe(true);
      expect(run.environment.kubeProxy.flags).toContain('--conntrack-max-per-core=0');
      // What kube-proxy wrote, read back raw for the arm.
      const save: string[] = run.arms[0].dataPlaneRules['node-a: iptables-save -c'];
      expect(save.some((l) => /-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP$/.test(l))).toBe(true);
    }
    expect(masq!.environment.kubeProxy.flags).toContain('--masquerade-all');
    expect(plain!.verdict.outcome).toBe('not-reproduced');
    expect(plain!.arms[0].evidence.injected).toBeGreaterThan(10);
    expect(plain!.arms[0].evidence.invalidDropped).toBeGreaterThan(0);
    expect(plain!.arms[0].resets).toBe(0);
    expect(masq!.verdict.outcome).toBe('reproduced');
    expect(masq!.arms[0].resets).toBeGreaterThan(0);
    expect(await ourNamespaces()).toEqual([]);
    expect(await kubeProcesses()).toEqual([]);
    expect(diffHost(host, await snapshotHost())).toEqual({});
  }, 900_000);
});

/** Waits until `text()` matches `re` (or the child exits); throws after `ms`. */
async function waitFor(text: () => string, re: RegExp, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!re.test(text())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${re} in:\n${text().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.skipIf(!IS_ROOT)(`the real kube-proxy's processes end with the run${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  beforeAll(() => cleanSlate(), 120_000);
  afterAll(() => cleanSlate(), 120_000);
  const children: ReturnType<typeof execa>[] = [];
  // A failed test must not leave its run going into the next one: interrupt it (it cleans up).
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGINT');
      await c.catch(() => undefined);
    }
  }, 120_000);
  const start = () => {
    const child = execa('node', [bin, 'run', 'over-window', '--kube-proxy', 'v1.20.2', '--fixed', '--duration', '30s', '--out', tempDir('rl-kp-')], { reject: false, all: true });
    children.push(child);
    let out = '';
    child.all?.on('data', (c: Buffer) => (out += c.toString()));
    return { child, out: () => out };
  };

  it('SIGINT: exit 130, no kube process, namespace or control-plane folder left', async () => {
    const { child, out } = start();
    await waitFor(out, /arm liberal=0/, 240_000);
    expect((await kubeProcesses(child.pid)).length).toBeGreaterThanOrEqual(3);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, out().slice(-2000)).toBe(130);
    expect(await kubeProcesses()).toEqual([]);
    expect(await ourNamespaces()).toEqual([]);
  }, 400_000);

  it('SIGKILL: kube-proxy, kube-apiserver and etcd survive the run; `resetlab cleanup` ends them', async () => {
    const { child, out } = start();
    await waitFor(out, /arm liberal=0/, 240_000);
    expect((await kubeProcesses(child.pid)).length).toBeGreaterThanOrEqual(3);
    child.kill('SIGKILL');
    await child;
    expect((await kubeProcesses()).length).toBeGreaterThanOrEqual(3);
    const c = await execa('node', [bin, 'cleanup'], { reject: false });
    expect(c.exitCode, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/control-plane folder/);
    expect(await kubeProcesses()).toEqual([]);
    expect(await ourNamespaces()).toEqual([]);
  }, 400_000);

  it('a crashing kube-proxy fails the run with its last log lines, and nothing is left', async () => {
    const { child, out } = start();
    await waitFor(out, /arm liberal=0/, 240_000);
    const kp = (await kubeProcesses(child.pid)).find((p) => p.endsWith('/kube-proxy'));
    expect(kp).toBeDefined();
    process.kill(Number(kp!.split(' ')[0]), 'SIGKILL');
    const r = await child;
    expect(r.exitCode).toBe(1);
    expect(out()).toMatch(/kube-proxy v1\.20\.2 (exited|was killed)[^]*last lines of [^\n]*kube-proxy\.log/);
    expect(await kubeProcesses()).toEqual([]);
    expect(await ourNamespaces()).toEqual([]);
  }, 400_000);
});
