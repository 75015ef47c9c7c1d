/**
 * `resetlab reproduce` (what `npm run reproduce` runs): on the default driver, each scenario
 * with liberal=0 then liberal=1; prints the tables and verdicts, and the time to verdict
 * (setup included). The set is chosen from measurements (scenarios/expectations.yaml) so that
 * it shows a failure the stated kube-proxy really permits next to a path it protects:
 * - `over-window-masquerade` (masqueradeAll): resets in every mode. In iptables mode (no ip_vs
 *   here) kube-proxy's INVALID drop is in place but the INVALID reply is addressed to node-a
 *   and goes to INPUT, which KUBE-FORWARD never sees; with real IPVS the SNAT is conntrack NAT;
 * - `over-window` (plain pod -> ClusterIP): protected. In iptables mode kube-proxy's INVALID
 *   rule drops the reply ("N dropped by kube-proxy's INVALID rule"); with real IPVS, IPVS
 *   un-NATs it itself;
 * The clean-load control (`none`) is not among them: every liberal=1 arm above runs the same
 * load with the fault still injecting and shows no reset, which is what the control shows, and
 * over-window's liberal=0 arm shows the fault reaching conntrack without a reset. `resetlab run
 * none` runs it, and `check` gates it.
 * The summary names the kube-proxy version and mode each run modelled.
 *
 * On the netns driver (the default; not with `--kube-proxy`) the two run side by side, each
 * in its own lab, and each arm runs at most REPRODUCE_MAX_ARM unless `--duration` says
 * otherwise: the first minute is a demonstration, and `resetlab run <scenario>` (10 s arms)
 * bounds a clean arm's rate more tightly. The shorter maximum raises a clean arm's threshold
 * to the rate a baseline could show within it, and the verdict prints that threshold.
 */
import { InterruptedError } from '../../errors.js';
import type { RunReport } from '../../report/schema.js';
import type { CliContext } from '../context.js';
import { prepareRun, runScenarios, type RunFlags } from './run.js';

/** The scenarios `reproduce` runs, in order (every driver and data plane). */
export const REPRODUCE_SCENARIOS = ['over-window-masquerade', 'over-window'];

/** The longest an arm of `reproduce` runs on the netns driver unless `--duration` is given. */
export const REPRODUCE_MAX_ARM = '4s';

/** The flags `reproduce` runs with: side by side and REPRODUCE_MAX_ARM on the netns driver without `--kube-proxy`, else as given. Pure. */
export function reproduceFlags(flags: RunFlags): RunFlags {
  const netns = (flags.driver ?? 'netns') === 'netns' && flags.kubeProxy === undefined;
  return netns ? { ...flags, sideBySide: true, duration: flags.duration ?? REPRODUCE_MAX_ARM } : flags;
}

/** One summary line: verdict, the modelled kube-proxy, and the evidence behind a protected path. Pure. */
export function summaryLine(r: RunReport): string {
  const k = r.environment.kubeProxy;
  const model = k ? `kube-proxy ${k.version} ${k.mode} mode${k.source === 'model' ? ', modelled' : ''}` : `${r.environment.proxyMode} data plane`;
  const base = r.arms[0];
  const dropped = base?.evidence.invalidDropped ?? 0;
  const why =
    r.verdict.outcome === 'reproduced' && base
      ? `: ${base.resets}/${base.requests} resets with ${base.name}`
      : r.verdict.outcome === 'not-reproduced' && dropped > 0
        ? `: ${dropped} dropped by ${k?.dropInvalidBy === 'lab override' ? "the lab's" : "kube-proxy's"} INVALID rule`
        : r.verdict.outcome === 'not-reproduced' && r.environment.proxyMode === 'ipvs' && (base?.evidence.injected ?? 0) > 0
          ? `: ${base!.evidence.injectedNatted ?? 0} of ${base!.evidence.injected} injected un-NATed by IPVS`
          : '';
  return `  ${r.scenario.name.padEnd(24)} ${r.verdict.outcome}${r.complete ? '' : ' (incomplete)'} (${model})${why}`;
}

/** The `reproduce` command. */
export async function reproduceCommand(ctx: CliContext, flags: RunFlags): Promise<void> {
  const t0 = performance.now();
  const run = reproduceFlags(flags);
  const scenarios = await prepareRun(REPRODUCE_SCENARIOS, run);
  const reports = await runScenarios(ctx, scenarios, run);
  const seconds = (performance.now() - t0) / 1000;
  const lines = reports.map(summaryLine);
  const summary = ['Summary', ...lines, `Time to verdict: ${seconds.toFixed(1)} s (${reports.length} scenarios, setup and teardown included)`, ''].join('\n');
  if (flags.json) {
    process.stdout.write(JSON.stringify({ schema: 'resetlab/runs@1', timeToVerdictSec: seconds, runs: reports }, null, 2) + '\n');
    process.stderr.write(summary);
  } else {
    process.stdout.write(summary);
  }
  if (ctx.signal.aborted) throw new InterruptedError(String(ctx.signal.reason ?? 'signal'));
}
