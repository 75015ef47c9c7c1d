/**
 * The end-to-end reproduction on a real netns lab: real namespaces, kube-proxy's iptables
 * rules (modelled, pinned so the host's ip_vs does not matter), conntrack, autocannon load and
 * raw-socket injection. Asserts on real resets and kernel counters (the INVALID drop's among
 * them), and that nothing is left behind.
 */
import { describe, expect, it } from 'vitest';
import { provisionNetnsLab } from '../../harness/lab/netns/provider.js';
import { newPrefix } from '../../harness/lab/prefix.js';
import { RunReport } from '../../harness/report/schema.js';
import { runEach } from '../../harness/run/run-each.js';
import { runScenario } from '../../harness/run/run-scenario.js';
import { builtin, IS_ROOT, ourNamespaces, runner, SKIP_REASON, useNoLeftoverNamespaces } from '../helpers/lab-env.js';

const provision = (topology: Parameters<typeof provisionNetnsLab>[0]['topology']) =>
  provisionNetnsLab({ prefix: newPrefix(), topology, runner });

/** Arms stop once decided (at most the scenario's 30 s): a busy machine still reaches the verdict's 2000 requests. */
const untilDecided = { kind: 'sequential', schedule: 'ordered' } as const;

/** A built-in pinned to iptables mode and, when given, a kube-proxy version. */
async function pinned(name: string, kubeProxyVersion?: string, durationMs = 30_000) {
  const [s] = await builtin([name], durationMs);
  return { ...s!, topology: { ...s!.topology, proxyMode: 'iptables' as const, ...(kubeProxyVersion ? { kubeProxyVersion } : {}) } };
}

describe.skipIf(!IS_ROOT)(`reproduce on a real netns lab${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  const before = useNoLeftoverNamespaces();

  it('over-window on kube-proxy v1.14 (before the INVALID drop): resets with liberal=0, none with liberal=1, and the kernel chain behind them', async () => {
    const report = await runScenario(await pinned('over-window', 'v1.14'), { provision, runner, stopping: untilDecided });
    expect(() => RunReport.parse(report)).not.toThrow();
    const [lib0, lib1] = report.arms;
    expect(report.environment.kubeProxy).toMatchObject({ source: 'model', version: 'v1.14', mode: 'iptables', dropInvalid: false, dropInvalidBy: 'kube-proxy' });
    expect(lib0!.sysctls['net.netfilter.nf_conntrack_tcp_be_liberal']).toBe(0);
    expect(lib1!.sysctls['net.netfilter.nf_conntrack_tcp_be_liberal']).toBe(1);
    expect(lib0!.requests).toBeGreaterThan(1000);
    expect(lib0!.resets).toBeGreaterThan(10);
    expect(lib0!.evidence.injected).toBeGreaterThan(10);
    expect(lib0!.evidence.conntrackInvalid).toBeGreaterThanOrEqual(lib0!.evidence.injected);
    expect(lib0!.evidence.invalidDropped).toBe(0);
    expect(lib0!.evidence.leakedUnNatted).toBeGreaterThan(0);
    expect(lib0!.evidence.clientRstsSent).toBeGreaterThan(0);
    expect(lib0!.evidence.serverResets).toBeGreaterThan(0);
    expect(lib1!.evidence.injected).toBeGreaterThan(10);
    expect(lib1!.resets).toBe(0);
    expect(lib1!.evidence.leakedUnNatted).toBe(0);
    expect(report.verdict.outcome).toBe('reproduced');
    expect(report.complete).toBe(true);
  });

  it("over-window on the current kube-proxy (iptables mode): kube-proxy's INVALID rule drops the injected replies, nothing leaks, nothing resets", async () => {
    const report = await runScenario(await pinned('over-window'), { provision, runner, stopping: untilDecided });
    const [lib0, lib1] = report.arms;
    expect(report.environment.kubeProxy).toMatchObject({ source: 'model', mode: 'iptables', beLiberalAtStart: 0, dropInvalid: true, dropInvalidBy: 'kube-proxy' });
    expect(lib0!.evidence.injected).toBeGreaterThan(10);
    expect(lib0!.evidence.conntrackInvalid).toBeGreaterThanOrEqual(lib0!.evidence.injected);
    expect(lib0!.evidence.invalidDropped).toBeGreaterThanOrEqual(lib0!.evidence.injected);
    expect(lib0!.evidence.leakedUnNatted).toBe(0);
    expect(lib0!.resets).toBe(0);
    expect(lib1!.resets).toBe(0);
    expect(report.verdict.outcome).toBe('not-reproduced');
    expect(report.verdict.explanation).toMatch(/kube-proxy v1\.\d+'s INVALID rule on node-a \(iptables mode: -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP, modelled\) dropped \d+ INVALID segments/);
  });

  it('a server agent that dies mid-run disturbs that arm and every later one, by name (not a clean "no resets")', async () => {
    const [scenario] = await builtin(['none'], 4000);
    const prefix = newPrefix();
    let killed = false;
    const report = await runScenario(scenario!, {
      provision: (topology) => provisionNetnsLab({ prefix, topology, runner }),
      runner,
      progress: (e) => {
        if (e.type !== 'arm-start' || killed) return;
        killed = true;
        // Kill the real server agent of this lab (its argv carries the lab's prefix) a second into the first arm.
        setTimeout(() => void runner.run(['pkill', '-KILL', '-f', `agents/server\\.js .*--rl-node=${prefix}`], { check: false }), 1000);
      },
    });
    expect(killed).toBe(true);
    expect(report.arms).toHaveLength(2);
    for (const arm of report.arms) expect(arm.disturbed.join(' | ')).toMatch(/the server agent ended before the arm did \(killed by SIGKILL/);
    expect(report.verdict.outcome).not.toBe('not-reproduced');
  });

  it('a failure after an arm was measured keeps that arm: the partial report is handed over (incomplete, inconclusive), then the failure', async () => {
    const [scenario] = await builtin(['none'], 3000);
    const prefix = newPrefix();
    const kept: RunReport[] = [];
    let armsEnded = 0;
    const run = runEach(
      { runner, signal: new AbortController().signal, say: () => undefined, progress: (e) => void (e.type === 'arm-end' && (armsEnded += 1)) },
      [scenario!],
      async (topology) => {
        const lab = await provisionNetnsLab({ prefix, topology, runner });
        // Once the first arm has ended, node A's sysctls can no longer be read, as when a kubectl exec failed.
        const read = lab.readSysctls.bind(lab);
        lab.readSysctls = async (...a) => {
          if (armsEnded === 1) throw new Error('node-a went away');
          return read(...a);
        };
        return lab;
      },
      async (r) => void kept.push(r),
    );
    await expect(run).rejects.toThrow(/node-a went away/);
    expect(kept).toHaveLength(1);
    const [r] = kept;
    expect(r!.complete).toBe(false);
    expect(r!.arms[0]!.requests).toBeGreaterThan(100);
    expect(r!.arms[1]!.requests).toBe(0);
    expect(r!.notes.join(' | ')).toMatch(/failed after 1 trial: node-a went away/);
    expect(r!.verdict.outcome).toBe('inconclusive');
    expect(r!.verdict.explanation).toMatch(/^The run failed before every arm finished \(node-a went away\)/);
    expect((await ourNamespaces()).filter((n) => n.startsWith(prefix))).toEqual([]);
  });

  it('none: clean heavy load gives no resets in either arm', async () => {
    const [scenario] = await builtin(['none']);
    const report = await runScenario(scenario!, { provision, runner });
    for (const arm of report.arms) {
      expect(arm.requests).toBeGreaterThan(5000);
      expect(arm.resets).toBe(0);
      expect(arm.evidence.injected).toBe(0);
      expect(arm.evidence.leakedUnNatted).toBe(0);
    }
    expect(report.verdict.outcome).toBe('not-reproduced');
  });

  it('sequential: over-window-masquerade (resets past the INVALID drop) and the clean control stop once decided, with the same verdicts and the stopping recorded', async () => {
    const stopping = { kind: 'sequential', schedule: 'ordered' } as const;
    const over = await pinned('over-window-masquerade');
    const [none] = await builtin(['none']);
    const a = await runScenario(over, { provision, runner, stopping });
    expect(() => RunReport.parse(a)).not.toThrow();
    expect(a.verdict.outcome).toBe('reproduced');
    expect(a.verdict.sequential?.decision).toBe('reproduced');
    expect(a.verdict.sequential?.schedule).toBe('ordered');
    expect(a.verdict.test).toMatch(/universal inference/);
    expect(a.arms.map((x) => x.stopping?.reason)).toEqual(['decided', 'decided']);
    expect(a.arms[0]!.stopping?.settled).toBe('baseline positive');
    expect(a.arms[1]!.stopping?.settled).toBe('reproduced');
    for (const arm of a.arms) {
      expect(arm.stopping!.requests).toBeLessThanOrEqual(arm.requests);
      expect(arm.stopping!.seconds).toBeLessThan(10);
      expect(arm.disturbed).toEqual([]);
      // The load agent's 0.2 s samples: several per short arm, adding up to its counts, the last at the end of the load.
      const [trial] = arm.trials;
      expect(trial!.samplePeriodMs).toBe(200);
      expect(trial!.samples!.length).toBeGreaterThanOrEqual(Math.floor(arm.stopping!.seconds / 0.4));
      expect(trial!.samples!.reduce((n, x) => n + x.requests, 0)).toBe(trial!.requests);
      expect(trial!.samples!.reduce((n, x) => n + x.resets, 0)).toBe(trial!.resets);
      expect(trial!.samples!.at(-1)!.endMs / 1000).toBeGreaterThanOrEqual(arm.stopping!.seconds);
    }
    // The kernel chain is read at the stop, as for a full-length arm. kube-proxy's drop is in
    // KUBE-FORWARD, but the masqueraded INVALID reply goes to node-a's INPUT: none dropped.
    expect(a.environment.kubeProxy?.dropInvalid).toBe(true);
    expect(a.arms[0]!.evidence.conntrackInvalid).toBeGreaterThan(0);
    expect(a.arms[0]!.evidence.invalidDropped).toBe(0);
    expect(a.arms[0]!.evidence.leakedUnNatted).toBeGreaterThan(0);
    const b = await runScenario(none!, { provision, runner, stopping });
    expect(b.verdict.outcome).toBe('not-reproduced');
    for (const arm of b.arms) {
      expect(arm.resets).toBe(0);
      // A clean arm stops only with >= 2000 requests and its rate shown below its clean threshold, else at its maximum.
      if (arm.stopping!.reason === 'decided') {
        expect(arm.stopping!.requests).toBeGreaterThanOrEqual(2000);
        expect(b.verdict.sequential!.eBaselineClean).toBeGreaterThanOrEqual(100);
      } else expect(arm.stopping!.reason).toBe('max-duration');
    }
  });

  it("an arm's own INVALID drop (arms[].dropInvalid) fixes the masqueraded path kube-proxy's KUBE-FORWARD drop misses, and counts what it dropped", async () => {
    const base = await pinned('over-window-masquerade');
    const scenario = {
      ...base,
      arms: [base.arms[0]!, { name: 'drop-invalid', sysctls: base.arms[0]!.sysctls, dropInvalid: true as const }],
    };
    const report = await runScenario(scenario, { provision, runner, stopping: untilDecided });
    const [lib0, drop] = report.arms;
    expect(lib0!.resets).toBeGreaterThan(0);
    expect(lib0!.evidence.armInvalidDropped).toBeUndefined();
    expect(drop!.sysctls['net.netfilter.nf_conntrack_tcp_be_liberal']).toBe(0);
    expect(drop!.armInvalidDrop).toMatch(/forward and input/);
    expect(drop!.evidence.injected).toBeGreaterThan(10);
    expect(drop!.evidence.armInvalidDropped).toBeGreaterThanOrEqual(drop!.evidence.injected);
    expect(drop!.evidence.leakedUnNatted).toBe(0);
    expect(drop!.resets).toBe(0);
    expect(report.verdict.outcome).toBe('reproduced');
    // The arm's table is gone once the arm ends (the lab itself is destroyed afterwards anyway).
    expect(JSON.stringify(report.notes)).not.toMatch(/arm INVALID drop/);
  });

  it('an interrupted run stops its load, keeps what it measured, and removes everything', async () => {
    const [scenario] = await builtin(['over-window'], 20_000);
    const controller = new AbortController();
    const started = Date.now();
    const timer = setTimeout(() => controller.abort('SIGINT'), 4000);
    const report = await runScenario(scenario!, { provision, runner, signal: controller.signal });
    clearTimeout(timer);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(report.complete).toBe(false);
    expect(report.verdict.outcome).toBe('inconclusive');
    expect(report.arms[0]!.trials).toHaveLength(1);
    expect(report.arms[0]!.requests).toBeGreaterThan(0);
    expect(report.arms[0]!.disturbed.join(' ')).toMatch(/interrupted/);
    expect(await ourNamespaces()).toEqual(before());
  });

  it('a provision that fails part-way removes what it created and rethrows the original error', async () => {
    const prefix = newPrefix();
    const failing = {
      run: (argv: readonly string[], options?: Parameters<typeof runner.run>[1]) =>
        argv.includes('iptables-restore') ? Promise.reject(new Error('boom: injected failure')) : runner.run(argv, options),
    };
    await expect(
      provisionNetnsLab({ prefix, runner: failing, topology: (await builtin(['none']))[0]!.topology }),
    ).rejects.toThrow(/boom: injected failure/);
    expect((await ourNamespaces()).filter((n) => n.startsWith(prefix))).toEqual([]);
  });
});
