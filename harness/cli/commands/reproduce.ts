/**
 * `resetlab reproduce` (what `npm run reproduce` runs): on the default driver, each scenario
 * with liberal=0 then liberal=1; prints the tables and verdicts, and the time to verdict
 * (setup included). Which scenarios depends on the data plane this machine gives `auto`:
 * - real IPVS (kernel ip_vs present): a masqueraded path, where IPVS mode really resets
 *   (`over-window-masquerade`), the plain pod -> ClusterIP path beside it (`over-window`,
 *   which IPVS un-NATs itself: measured not to reset), and the clean-load control `none`;
 * - otherwise (iptables DNAT): `over-window`, which resets there, and `none`.
 */
import { InterruptedError } from '../../errors.js';
import { chooseProxyMode, readProxyFacts, type ProxyFacts } from '../../lab/netns/proxy-mode.js';
import type { CliContext } from '../context.js';
import { prepareRun, runScenarios, type RunFlags } from './run.js';

/** The scenarios `reproduce` runs without IPVS, in order. */
export const REPRODUCE_SCENARIOS = ['over-window', 'none'];

/** The scenarios `reproduce` runs where `auto` gets real IPVS, in order. */
export const REPRODUCE_SCENARIOS_IPVS = ['over-window-masquerade', 'over-window', 'none'];

/** The scenario set for this machine's `auto` data plane (netns driver; kind runs IPVS mode). Pure given the facts. */
export function reproduceScenarios(driver: string | undefined, facts: ProxyFacts): string[] {
  if (driver === 'kind') return REPRODUCE_SCENARIOS_IPVS;
  let mode: string;
  try {
    mode = chooseProxyMode('auto', facts).mode;
  } catch {
    return REPRODUCE_SCENARIOS; // the run itself reports what is missing
  }
  return mode === 'ipvs' ? REPRODUCE_SCENARIOS_IPVS : REPRODUCE_SCENARIOS;
}

/** The `reproduce` command. */
export async function reproduceCommand(ctx: CliContext, flags: RunFlags): Promise<void> {
  const t0 = performance.now();
  const scenarios = await prepareRun(reproduceScenarios(flags.driver, readProxyFacts()), flags);
  const reports = await runScenarios(ctx, scenarios, flags);
  const seconds = (performance.now() - t0) / 1000;
  const lines = reports.map((r) => `  ${r.scenario.name.padEnd(24)} ${r.verdict.outcome}${r.complete ? '' : ' (incomplete)'}`);
  const summary = ['Summary', ...lines, `Time to verdict: ${seconds.toFixed(1)} s (${reports.length} scenarios, setup and teardown included)`, ''].join('\n');
  if (flags.json) {
    process.stdout.write(JSON.stringify({ schema: 'resetlab/runs@1', timeToVerdictSec: seconds, runs: reports }, null, 2) + '\n');
    process.stderr.write(summary);
  } else {
    process.stdout.write(summary);
  }
  if (ctx.signal.aborted) throw new InterruptedError(String(ctx.signal.reason ?? 'signal'));
}
