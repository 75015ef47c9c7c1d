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
 * - `none`: the clean-load control.
 * The summary names the kube-proxy version and mode each run modelled.
 */
import { InterruptedError } from '../../errors.js';
import type { RunReport } from '../../report/schema.js';
import type { CliContext } from '../context.js';
import { prepareRun, runScenarios, type RunFlags } from './run.js';

/** The scenarios `reproduce` runs, in order (every driver and data plane). */
export const REPRODUCE_SCENARIOS = ['over-window-masquerade', 'over-window', 'none'];

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
  const scenarios = await prepareRun(REPRODUCE_SCENARIOS, flags);
  const reports = await runScenarios(ctx, scenarios, flags);
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
