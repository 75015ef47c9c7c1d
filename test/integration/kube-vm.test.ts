/**
 * The kind and kube drivers on real clusters (opt-in: RESETLAB_KUBE_VM=1; about 100 minutes under
 * TCG on 2 cores: two clusters are created): one 6.1 guest with its own dockerd. Every scenario
 * runs with the vm driver's lighter load for emulation (`lightenForVm`: 10 connections of 8 KiB,
 * 20 injections/s; written to files, so each report's source names it): with the built-ins' 50
 * connections of 64 KiB the kube driver's pods carried too few requests for a verdict (measured
 * 2026-12-04: 607-742 requests per 110 s baseline arm, p99 about 10 s). In the guest, in order:
 * 0. `run over-window-masquerade --driver kind` creates a kind cluster with kube-proxy
 *    masqueradeAll (IPVS), runs the masquerade path on it (reproduced) and deletes it;
 * 1. `run over-window --driver kind --keep-cluster --cluster rl-kube` creates a kind cluster
 *    (kube-proxy v1.20.2, IPVS, masqueradeAll false) with the agent image on every node, runs the
 *    plain path on it (not reproduced: IPVS un-NATs it), and keeps the cluster;
 * 2. `run over-window-masquerade over-window --driver kube --context kind-rl-kube --yes` treats that
 *    cluster as the user's own: the masquerade path must reset (reproduced), the plain path not
 *    (not-reproduced), with evidence from node A's counters;
 * 3. the plain path again with `--driver kube`, sent SIGINT 20 s into its be_liberal=1 arm: it
 *    exits 130 with its report marked incomplete, having restored be_liberal itself;
 * 4. the same, sent SIGKILL instead (no cleanup of its own: its namespace and node agent stay);
 * 5. `cleanup --driver kube --context kind-rl-kube` removes exactly that run's namespace, and the
 *    node agent's SIGTERM trap restores be_liberal;
 * 6. `run none --driver kube ...`: no namespace of an earlier run is left, and node A's
 *    be_liberal is what it was before the kube runs.
 * The host gets a qemu process and files only.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BUILTIN_DIR } from '../../harness/cli/paths.js';
import { ExecaRunner } from '../../harness/exec/runner.js';
import { runCommandsInKindGuest } from '../../harness/lab/kind/in-guest.js';
import { lightenForVm } from '../../harness/lab/vm/cells.js';
import { GUEST_OUT } from '../../harness/lab/vm/guest-init.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { toScenarioFile } from '../../harness/scenario/schema.js';
import { expectNothingLeftByGuests } from '../helpers/guest-leftovers.js';
import { snapshotHost } from '../helpers/host-state.js';
import { useLabScratch } from '../helpers/lab-env.js';
import { kernel61Flags } from '../helpers/vm-kernel.js';

const wanted = process.env.RESETLAB_KUBE_VM === '1';
const kernel = wanted ? await kernel61Flags() : 'set RESETLAB_KUBE_VM=1 to run it (kind clusters in a 6.1 guest, the kind and kube drivers on them: about 90 minutes under TCG)';

interface Report { complete: boolean; scenario: { name: string; source: string; load: { connections: number; responseBytes: number } }; verdict: { outcome: string }; environment: { driver: string; kernel: string; proxyMode: string; knobs: Record<string, unknown>; sysctls: Record<string, Record<string, number>> }; arms: { evidence?: Record<string, unknown> }[] }
/** `run --json` prints one report for one scenario, else `{ runs }`. */
type Doc = Report | { runs: Report[] };
const runsOf = (d: Doc | null | undefined): Report[] => (!d ? [] : 'runs' in d ? d.runs : [d]);

const KEY = 'net.netfilter.nf_conntrack_tcp_be_liberal';

describe.skipIf(typeof kernel === 'string')(`the kube driver on a kind cluster in a 6.1 guest${typeof kernel === 'string' ? ` (skipped: ${kernel})` : ''}`, () => {
  const scratch = useLabScratch();

  it('reproduces the masquerade path and not the plain one on a cluster it did not create, and leaves it as it was, also after SIGINT and SIGKILL', { timeout: 175 * 60_000 }, async () => {
    const hostBefore = await snapshotHost();
    const argv = kernel as string[];
    const flags: Record<string, string> = {};
    for (let i = 0; i < argv.length; i += 2) flags[argv[i]!.replace(/^--/, '')] = argv[i + 1]!;
    const out = `${GUEST_OUT}/results`;
    const kube = ['--driver', 'kube', '--context', 'kind-rl-kube', '--yes', '--json', '--out', out];
    // Commands get no guest-sized arms (cells do): arms of at most 110 s, which stop once decided.
    const arm = ['--duration', '110s'];
    // The built-ins with the vm driver's lighter load, as files the guest reads through the host's root.
    const light: Record<string, string> = {};
    for (const s of await loadScenarios(['over-window-masquerade', 'over-window'], { builtinDir: BUILTIN_DIR })) {
      light[s.name] = join(scratch(), `${s.name}.yaml`);
      writeFileSync(light[s.name]!, stringify(toScenarioFile(lightenForVm(s).scenario)));
    }
    const [masq, plain] = [light['over-window-masquerade']!, light['over-window']!];
    const midFixArm = (signal: 'INT' | 'KILL') => ({ after: 'arm liberal=1 ', delaySec: 20, signal });
    // A test run that is interrupted stops the guest (qemu) instead of leaving it behind.
    const ac = new AbortController();
    const stop = () => ac.abort('signal');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const { results } = await runCommandsInKindGuest(
      { runner: new ExecaRunner(), signal: ac.signal, say: (l) => process.stderr.write(l + '\n'), resultsDir: scratch() },
      { kernel: flags.kernel, ...(flags.modules ? { modules: flags.modules } : {}) },
      (nodeImage) => [
        ['run', masq, '--driver', 'kind', '--node-image', nodeImage, ...arm, '--json', '--out', out],
        ['run', plain, '--driver', 'kind', '--node-image', nodeImage, '--keep-cluster', '--cluster', 'rl-kube', ...arm, '--json', '--out', out],
        ['run', masq, plain, ...arm, ...kube],
        { args: ['run', plain, ...arm, ...kube], interrupt: midFixArm('INT') },
        { args: ['run', plain, ...arm, ...kube], interrupt: midFixArm('KILL') },
        { args: ['cleanup', '--driver', 'kube', '--context', 'kind-rl-kube'], keepStderr: true },
        ['run', 'none', '--duration', '2s', ...kube],
      ],
      170 * 60_000,
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
    const why = JSON.stringify(results.map((r) => ({ exitCode: r.exitCode, stopped: r.stopped, stdout: r.stdout.slice(0, 300), stderr: r.stderr?.slice(-600) })));
    // 0. and 1. the kind driver on the two clusters it made: the masquerade path resets, the plain one not.
    const kind = [runsOf(docs[0])[0], runsOf(docs[1])[0]];
    for (const r of kind) {
      expect(r?.environment.driver, why).toBe('kind');
      expect(r!.environment.kernel).toMatch(/^6\.1\./);
      expect(r!.environment.proxyMode).toBe('ipvs');
      expect(r!.environment.knobs.kubeProxyVersion).toBe('v1.20.2');
      expect(String(r!.environment.knobs.kindVersion)).toMatch(/^kind v0\.33\./);
      expect(r!.scenario.load).toMatchObject({ connections: 10, responseBytes: 8192 });
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
      expect(r.scenario.source).toBe(light[r.scenario.name]);
    }
    expect(runs[0]!.environment.knobs.masqueradeBy).toMatch(/^resetlab's MASQUERADE rule on node A/);
    expect(runs[0]!.verdict.outcome, why).toBe('reproduced');
    expect(runs[1]!.verdict.outcome, why).toBe('not-reproduced');
    // 3. SIGINT in the fix arm: exit 130, the report kept and marked incomplete, be_liberal restored by the run itself.
    expect(results[3]!.exitCode, why).toBe(130);
    const interrupted = runsOf(docs[3])[0];
    expect(interrupted?.complete, why).toBe(false);
    expect(interrupted!.verdict.outcome).toBe('inconclusive');
    expect(results[3]!.stderr, why).toMatch(/nf_conntrack_tcp_be_liberal restored to 0/);
    // 4. SIGKILL in the fix arm: no report; 5. cleanup removes its namespace, and its node agent restores be_liberal.
    expect(results[4]!.exitCode, why).toBe(137);
    expect(results[4]!.stdout).toBe('');
    expect(results[5]!.exitCode, why).toBe(0);
    expect(results[5]!.stderr, why).toMatch(/removed namespaces of kube runs that did not finish: rl-[0-9a-f]{6}$/m);
    expect(results[5]!.stderr, why).toMatch(/node agent: restored \S*nf_conntrack_tcp_be_liberal to 0/);
    // 6. nothing of the earlier runs is left; be_liberal is what it was.
    const after = runsOf(docs[6])[0];
    expect(after?.environment.knobs.otherRunNamespaces, why).toEqual([]);
    expect(after?.environment.knobs.nodeABeLiberalBefore).toBe(before ?? 0);
    await expectNothingLeftByGuests(hostBefore, await snapshotHost());
  });
});
