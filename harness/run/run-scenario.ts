/**
 * The pipeline for one scenario: provision a lab (through the driver factory it is given,
 * never a concrete driver) -> start the server -> per trial, per arm: `runTrial` -> pool ->
 * verdict -> destroy the lab. Interruption (the abort signal) stops the current load, keeps
 * what was measured and returns a report with `complete: false` (or throws InterruptedError
 * when it came before the lab existed: nothing was measured). The lab is always destroyed;
 * cleanup problems become notes and never hide the original error.
 */
import { InterruptedError } from '../errors.js';
import { startAgent } from '../exec/agent-process.js';
import { CleanupStack } from '../exec/cleanup-stack.js';
import type { Runner } from '../exec/runner.js';
import type { Lab } from '../lab/lab.js';
import type { LabTopology } from '../lab/topology.js';
import type { ArmResult, RunReport, TrialResult } from '../report/schema.js';
import type { Scenario } from '../scenario/schema.js';
import { toScenarioFile } from '../scenario/schema.js';
import { decideVerdict, poolArm } from '../verdict/index.js';
import { AGENT_GRACE_MS, runTrial } from './arm.js';
import { readEnvironment } from './environment.js';
import type { ProgressEvent } from './progress.js';
import { applyRps, armRpsWanted, effectiveRps, readRpsBase } from './rps.js';

/** Creates a lab for a topology; the driver registers its own cleanup inside the lab. */
export type LabFactory = (topology: LabTopology) => Promise<Lab>;

/** Dependencies and hooks of `runScenario`. */
export interface RunDeps {
  provision: LabFactory;
  runner: Runner;
  signal?: AbortSignal;
  progress?: (e: ProgressEvent) => void;
  /**
   * Optional order of the arms in trial `trial` (1-based): indexes into `scenario.arms`, each
   * exactly once. Default: the listed order in every trial (e.g. the RPS bench counterbalances).
   */
  order?: (trial: number, armCount: number) => number[];
}

/** Runs a scenario end to end and returns its report (see module doc). */
export async function runScenario(scenario: Scenario, deps: RunDeps): Promise<RunReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  const notes: string[] = [];
  const cleanup = new CleanupStack();
  const trialsByArm: TrialResult[][] = scenario.arms.map(() => []);
  let lab: Lab | null = null;
  let complete = true;
  let environment: RunReport['environment'] | null = null;
  try {
    deps.progress?.({ type: 'phase', message: `provisioning the lab for ${scenario.name}` });
    lab = await deps.provision(scenario.topology);
    const rpsBase = await readRpsBase(lab, scenario);
    // A scenario-wide `rps` is in place before the fingerprint is read, so environment.rps shows it.
    if (rpsBase && scenario.rps) await applyRps(lab, armRpsWanted(rpsBase, scenario.rps));
    environment = await readEnvironment(lab, deps.runner);
    deps.progress?.({ type: 'phase', message: `lab ${lab.prefix}: data plane ${lab.dataPlane.proxyMode} (${lab.dataPlane.reason})` });
    const totalMs = scenario.trials * scenario.arms.length * (scenario.load.durationMs + AGENT_GRACE_MS) + 60_000;
    const server = startAgent(
      lab.nodes.server,
      'server',
      { port: lab.addresses.serverPort, responseBytes: scenario.load.responseBytes },
      totalMs,
    );
    cleanup.push('server agent', async () => void (await server.stop(2000)));
    await server.ready;
    // Every arm starts from the lab's own values, so an arm never inherits the previous arm's settings.
    const keys = [...new Set(scenario.arms.flatMap((a) => Object.keys(a.sysctls)))];
    const initial = await lab.readSysctls([lab.nodeRoles[0]!], keys);
    const baseSysctls = initial[lab.nodeRoles[0]!] ?? {};
    outer: for (let trial = 1; trial <= scenario.trials; trial++) {
      for (const i of deps.order?.(trial, scenario.arms.length) ?? scenario.arms.keys()) {
        const arm = scenario.arms[i]!;
        const rpsWanted = rpsBase ? armRpsWanted(rpsBase, effectiveRps(scenario, arm)) : undefined;
        if (deps.signal?.aborted) {
          complete = false;
          break outer;
        }
        const result = await runTrial({ scenario, lab, arm, trial, baseSysctls, cleanup, rpsWanted, signal: deps.signal, progress: deps.progress });
        trialsByArm[i]!.push(result);
        if (deps.signal?.aborted) {
          complete = false;
          break outer;
        }
      }
    }
  } catch (error) {
    if (!deps.signal?.aborted) throw await withCleanup(error, cleanup, lab);
    complete = false;
    notes.push(`stopped by interruption: ${(error as Error).message}`);
  }
  notes.push(...(await cleanup.unwind()));
  if (lab) notes.push(...(await lab.destroy()));
  if (deps.signal?.aborted) notes.push('the run was interrupted; results are partial');
  const arms: ArmResult[] = scenario.arms.map((a, i) => {
    const rps = trialsByArm[i]![0]?.rps;
    return { ...poolArm(a.name, trialsByArm[i]!), ...(rps ? { rps } : {}) };
  });
  if (environment === null) {
    // Interrupted before the lab existed: nothing was measured, so there is no report to keep.
    // Everything created so far has been removed above.
    throw new InterruptedError(String(deps.signal?.reason ?? 'signal'));
  }
  const verdict = decideVerdict(arms, {
    context: {
      faultKind: scenario.fault.kind,
      offset: scenario.fault.kind === 'inject' ? scenario.fault.offset : undefined,
      kernel: environment?.kernel,
      masquerade: scenario.topology.masquerade,
      client: scenario.topology.client,
      proxyMode: environment?.proxyMode,
      service: scenario.topology.service,
      hairpin: scenario.topology.hairpin,
    },
  });
  if (!complete) {
    verdict.outcome = 'inconclusive';
    verdict.explanation = `The run was interrupted before every arm finished, so no verdict is given. ${verdict.explanation}`;
  }
  return {
    schema: 'resetlab/run@1',
    complete,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    elapsedSec: (performance.now() - t0) / 1000,
    scenario: { ...toScenarioFile(scenario), name: scenario.name, source: scenario.source },
    environment,
    arms,
    verdict,
    notes,
  };
}

/** Unwinds everything, then returns the original error with cleanup problems appended. */
async function withCleanup(error: unknown, cleanup: CleanupStack, lab: Lab | null): Promise<unknown> {
  const problems = [...(await cleanup.unwind()), ...(lab ? await lab.destroy() : [])];
  if (problems.length > 0 && error instanceof Error) error.message += `\n(cleanup also reported: ${problems.join('; ')})`;
  return error;
}
