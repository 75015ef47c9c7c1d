/**
 * The real kube-proxy v1.20.2 (built from Debian's source into the cache, built here first if
 * missing: about 20 min on 2 shared cores) as node-a's data plane, through the CLI as a user
 * runs it: over-window is protected by kube-proxy's own INVALID drop (counted from its rule),
 * the masqueraded path still resets. Nothing is left behind; the host's state is identical.
 */
import { execa } from 'execa';
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { ExecaRunner } from '../../harness/exec/runner.js';
import { kubernetesCacheRoot } from '../../harness/kubernetes/cache.js';
import { resolveKubernetes } from '../../harness/kubernetes/resolve.js';
import { diffHost, snapshotHost, type HostState } from '../helpers/host-state.js';
import { cleanSlate, IS_ROOT, ourNamespaces, SKIP_REASON } from '../helpers/lab-env.js';
import { tempDir } from '../helpers/temp-dir.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');

/** Processes whose executable lives in the Kubernetes cache (kube-proxy, kube-apiserver, etcd). */
async function kubeProcesses(): Promise<string[]> {
  const root = kubernetesCacheRoot();
  const out: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const exe = await readlink(`/proc/${pid}/exe`).catch(() => '');
    if (exe.startsWith(root)) out.push(`${pid} ${exe}`);
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
