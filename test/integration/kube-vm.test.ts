/**
 * The kind and kube drivers on real clusters (opt-in: RESETLAB_KUBE_VM=1; about 90 minutes under
 * TCG on 2 cores: two clusters are created): one 6.1 guest with its own dockerd. In it, in order:
 * 0. `resetlab run over-window-masquerade --driver kind` creates a kind cluster with kube-proxy
 *    masqueradeAll (IPVS), runs the masquerade path on it (reproduced) and deletes it;
 * 1. `resetlab run over-window --driver kind --keep-cluster --cluster rl-kube` creates a kind
 *    cluster (kube-proxy v1.20.2, IPVS, masqueradeAll false) with the agent image on every node,
 *    runs the plain path on it (not reproduced: IPVS un-NATs it), and keeps the cluster;
 * 2. `resetlab run over-window-masquerade over-window --driver kube --context kind-rl-kube --yes`
 *    treats that cluster as the user's own: the masquerade path must reset (reproduced), the
 *    plain path not (not-reproduced), with evidence from node A's counters;
 * 3. `resetlab run none --driver kube ...` again: no namespace of an earlier run is left, and node
 *    A's be_liberal is what it was before the kube runs;
 * 4. `resetlab cleanup --driver kube --context kind-rl-kube` finds nothing to do.
 * The host gets a qemu process and files only.
 */
import { describe, expect, it } from 'vitest';
import { ExecaRunner } from '../../harness/exec/runner.js';
import { runCommandsInKindGuest } from '../../harness/lab/kind/in-guest.js';
import { GUEST_OUT } from '../../harness/lab/vm/guest-init.js';
import { expectNothingLeftByGuests } from '../helpers/guest-leftovers.js';
import { snapshotHost } from '../helpers/host-state.js';
import { useLabScratch } from '../helpers/lab-env.js';
import { kernel61Flags } from '../helpers/vm-kernel.js';

const wanted = process.env.RESETLAB_KUBE_VM === '1';
const kernel = wanted ? await kernel61Flags() : 'set RESETLAB_KUBE_VM=1 to run it (kind clusters in a 6.1 guest, the kind and kube drivers on them: about 90 minutes under TCG)';

interface Report { scenario: { name: string }; verdict: { outcome: string }; environment: { driver: string; kernel: string; proxyMode: string; knobs: Record<string, unknown>; sysctls: Record<string, Record<string, number>> }; arms: { evidence?: Record<string, unknown> }[] }
/** `run --json` prints one report for one scenario, else `{ runs }`. */
type Doc = Report | { runs: Report[] };
const runsOf = (d: Doc | null | undefined): Report[] => (!d ? [] : 'runs' in d ? d.runs : [d]);

const KEY = 'net.netfilter.nf_conntrack_tcp_be_liberal';

describe.skipIf(typeof kernel === 'string')(`the kube driver on a kind cluster in a 6.1 guest${typeof kernel === 'string' ? ` (skipped: ${kernel})` : ''}`, () => {
  const scratch = useLabScratch();

  it('reproduces the masquerade path and not the plain one on a cluster it did not create, and leaves it as it was', { timeout: 170 * 60_000 }, async () => {
    const hostBefore = await snapshotHost();
    const argv = kernel as string[];
    const flags: Record<string, string> = {};
    for (let i = 0; i < argv.length; i += 2) flags[argv[i]!.replace(/^--/, '')] = argv[i + 1]!;
    const out = `${GUEST_OUT}/results`;
    const kube = ['--driver', 'kube', '--context', 'kind-rl-kube', '--yes', '--json', '--out', out];
    // Commands get no guest-sized arms (cells do): about 12 000 requests per arm at the guest's ~110 req/s; arms stop once decided.
    const arm = ['--duration', '110s'];
    // A test run that is interrupted stops the guest (qemu) instead of leaving it behind.
    const ac = new AbortController();
    const stop = () => ac.abort('signal');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const { results } = await runCommandsInKindGuest(
      { runner: new ExecaRunner(), signal: ac.signal, say: (l) => process.stderr.write(l + '\n'), resultsDir: scratch() },
      { kernel: flags.kernel, ...(flags.modules ? { modules: flags.modules } : {}) },
      (nodeImage) => [
        ['run', 'over-window-masquerade', '--driver', 'kind', '--node-image', nodeImage, ...arm, '--json', '--out', out],
        ['run', 'over-window', '--driver', 'kind', '--node-image', nodeImage, '--keep-cluster', '--cluster', 'rl-kube', ...arm, '--json', '--out', out],
        ['run', 'over-window-masquerade', 'over-window', ...arm, ...kube],
        ['run', 'none', '--duration', '2s', ...kube],
        ['cleanup', '--driver', 'kube', '--context', 'kind-rl-kube'],
      ],
      165 * 60_000,
    ).finally(() => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    });
    const docs = results.map((r) => {
      try {
        return JSON.parse(r.stdout) as Doc;
      } catch {
        return null;
      }
    });
    const why = JSON.stringify(results.map((r) => ({ exitCode: r.exitCode, stopped: r.stopped, stdout: r.stdout.slice(0, 300) })));
    // 0. and 1. the kind driver on the two clusters it made: the masquerade path resets, the plain one not.
    const kind = [runsOf(docs[0])[0], runsOf(docs[1])[0]];
    for (const r of kind) {
      expect(r?.environment.driver, why).toBe('kind');
      expect(r!.environment.kernel).toMatch(/^6\.1\./);
      expect(r!.environment.proxyMode).toBe('ipvs');
      expect(r!.environment.knobs.kubeProxyVersion).toBe('v1.20.2');
      expect(String(r!.environment.knobs.kindVersion)).toMatch(/^kind v0\.33\./);
    }
    expect(kind.map((r) => [r!.scenario.name, r!.verdict.outcome]), why).toEqual([
      ['over-window-masquerade', 'reproduced'],
      ['over-window', 'not-reproduced'],
    ]);
    const before = kind[1]!.environment.sysctls['node-a']?.[KEY];
    // 2. the kube driver on the kept one.
    const runs = runsOf(docs[2]);
    expect(runs.map((r) => r.scenario.name), why).toEqual(['over-window-masquerade', 'over-window']);
    for (const r of runs) {
      expect(r.environment.driver).toBe('kube');
      expect(r.environment.kernel).toMatch(/^6\.1\./);
      expect(r.environment.proxyMode).toBe('ipvs');
      expect(r.environment.knobs.kubeProxyVersion).toBe('v1.20.2');
      expect(r.environment.knobs.context).toBe('kind-rl-kube');
    }
    expect(runs[0]!.environment.knobs.masqueradeBy).toMatch(/^resetlab's MASQUERADE rule on node A/);
    expect(runs[0]!.verdict.outcome, why).toBe('reproduced');
    expect(runs[1]!.verdict.outcome, why).toBe('not-reproduced');
    // 3. nothing of the earlier runs is left; be_liberal is what it was.
    const after = runsOf(docs[3])[0];
    expect(after?.environment.knobs.otherRunNamespaces, why).toEqual([]);
    expect(after?.environment.knobs.nodeABeLiberalBefore).toBe(before ?? 0);
    // 4. cleanup had nothing to do and succeeded.
    expect(results[4]!.exitCode, why).toBe(0);
    await expectNothingLeftByGuests(hostBefore, await snapshotHost());
  });
});
