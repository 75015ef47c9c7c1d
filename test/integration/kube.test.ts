/**
 * The kube driver where no cluster is at hand (this machine has none): `run --driver kube`
 * and `cleanup --driver kube` refuse in one line with exit 2, whether kubectl is missing or has
 * no context, and create nothing (no namespace, no file in the results folder). The real
 * cluster test is test/integration/kube-vm.test.ts (opt-in).
 */
import { execa } from 'execa';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');
const dir = mkdtempSync(join(tmpdir(), 'rl-kube-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The last line of stderr, and how many lines it had that are not blank. */
function said(stderr: string): { last: string; lines: number } {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  return { last: lines.at(-1) ?? '', lines: lines.length };
}

describe('the kube driver without a cluster', () => {
  const kubeconfig = join(dir, 'empty-kubeconfig');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
  const out = join(dir, 'results');
  const ns = async () => (await execa('ip', ['netns', 'list'])).stdout;

  it('run refuses in one line, exit 2, and creates nothing', async () => {
    const before = await ns();
    const r = await execa('node', [bin, 'run', 'over-window', '--driver', 'kube', '--kubeconfig', kubeconfig, '--yes', '--out', out], { reject: false });
    expect(r.exitCode, r.stderr).toBe(2);
    const s = said(r.stderr);
    expect(s.lines, r.stderr).toBe(1);
    expect(s.last).toMatch(/^resetlab: the kube driver (has no cluster to run on: kubectl has no current context in .*empty-kubeconfig; pass --context NAME|cannot run on this machine: it needs the kubectl binary)/);
    expect(await ns()).toBe(before);
    expect(() => readdirSync(out)).toThrow();
  });

  it('refuses a context that does not look local before asking it anything', async () => {
    const config = join(dir, 'prod-kubeconfig');
    // A loopback port nothing listens on (traffic never leaves this machine); it must not even be asked.
    writeFileSync(config, 'apiVersion: v1\nkind: Config\nclusters: [{name: prod, cluster: {server: "https://127.0.0.1:1"}}]\ncontexts: [{name: prod-eu, context: {cluster: prod, user: u}}]\ncurrent-context: prod-eu\nusers: [{name: u, user: {token: x}}]\n');
    const started = Date.now();
    const r = await execa('node', [bin, 'run', 'over-window', '--driver', 'kube', '--kubeconfig', config, '--yes', '--out', out], { reject: false });
    expect(r.exitCode, r.stderr).toBe(2);
    const s = said(r.stderr);
    if (/needs the kubectl binary/.test(s.last)) return; // no kubectl here: the refusal above covers it
    expect(s.last).toBe('resetlab: refusing context "prod-eu" (https://127.0.0.1:1): it does not look like a cluster on this machine (kind-*, minikube, k3d-*, docker-desktop, docker-for-desktop, rancher-desktop, colima); resetlab changes a node\'s sysctls and rules there, so pass --allow-context prod-eu if that is what you want');
    // The refusal reads only the kubeconfig.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('cleanup --driver kube refuses the same way; a kube flag without --driver kube is an input problem', async () => {
    const r = await execa('node', [bin, 'cleanup', '--driver', 'kube', '--kubeconfig', kubeconfig], { reject: false });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(said(r.stderr).lines, r.stderr).toBe(1);
    const bad = await execa('node', [bin, 'cleanup', '--context', 'kind-x'], { reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--context: only applies with --driver kube');
  });
});
