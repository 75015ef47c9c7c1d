/**
 * The pipeline for one scenario: provision a lab (through the driver factory it is given,
 * never a concrete driver) -> start the server -> per trial, per arm: `runTrial` -> pool ->
 * verdict -> destroy the lab. With `deps.stopping` sequential, each arm stops as soon as its
 * part of the verdict is settled (run/stopping.ts), in order or in interleaved blocks. Interruption (the abort signal) stops the current load, keeps
 * what was measured and returns a report with `complete: false` (or throws InterruptedError
 * when it came before the lab existed: nothing was measured). The lab is always destroyed;
 * cleanup problems become notes and never hide the original error.
 */
import { InterruptedError } from '../errors.js';
import { describeAgentExit, startAgent } from '../exec/agent-process.js';
import { faultMinExposureMs, faultMinRequests } from '../faults/create.js';
import { CleanupStack } from '../exec/cleanup-stack.js';
import type { Runner } from '../exec/runner.js';
import type { Lab } from '../lab/lab.js';
import type { LabTopology } from '../lab/topology.js';
import type { ArmResult, RunReport, TrialResult } from '../report/schema.js';
import type { Scenario } from '../scenario/schema.js';
import { toScenarioFile } from '../scenario/schema.js';
import { decideVerdict, poolArm, SEQUENTIAL_DEFAULTS, VERDICT_DEFAULTS } from '../verdict/index.js';
import { AGENT_GRACE_MS, runTrial } from './arm.js';
import { readEnvironment } from './environment.js';
import type { ProgressEvent } from './progress.js';
import { applyRps, armRpsWanted, effectiveRps, readRpsBase } from './rps.js';
import { armStopping, DEFAULT_BLOCK_SEC, SequentialStopper, type StoppingMode } from './stopping.js';

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
  /**
   * How arms stop (run/stopping.ts). Default `fixed`: every arm runs its full duration (the
   * RPS bench, benchmarks). The CLI passes `sequential` unless `--fixed`.
   */
  stopping?: StoppingMode;
  /**
   * Multiplies every deadline (agent grace, server lifetime), never the load itself: 1 on
   * bare metal; the vm driver passes its guest's measured slowness. Default 1.
   */
  timeScale?: number;
}

/** The requests every arm needs: the verdict's minimum, or more where the fault needs them to act on every connection (`faultMinRequests`). */
export function minRequestsOf(scenario: Scenario): number {
  return Math.max(VERDICT_DEFAULTS.minRequests, faultMinRequests(scenario.fault, scenario.load));
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
  let failure: Error | null = null;
  try {
    deps.progress?.({ type: 'phase', message: `provisioning the lab for ${scenario.name}` });
    lab = await deps.provision(scenario.topology);
    const rpsBase = await readRpsBase(lab, scenario);
    // A scenario-wide `rps` is in place before the fingerprint is read, so environment.rps shows it.
    if (rpsBase && scenario.rps) await applyRps(lab, armRpsWanted(rpsBase, scenario.rps));
    const scale = deps.timeScale ?? 1;
    const blocks = deps.stopping?.kind === 'sequential' && deps.stopping.schedule === 'interleaved'
      ? Math.ceil(scenario.load.durationMs / ((deps.stopping.blockSec ?? DEFAULT_BLOCK_SEC) * 1000))
      : 1;
    const totalMs = scenario.trials * scenario.arms.length * (scenario.load.durationMs + blocks * AGENT_GRACE_MS * scale) + 60_000 * scale;
    const server = startAgent(
      lab.nodes.server,
      'server',
      {
        port: lab.addresses.serverPort,
        responseBytes: scenario.load.responseBytes,
        // With idle gaps, a connection IPVS forgot must not be closed by the server later in the
        // run: its FIN would leak un-NATed into a later arm's counters (measured on 6.1 with the
        // default 120 s: 112 leaked, 262 INVALID in a baseline, 88 leaked in the next arm).
        ...(scenario.load.idle ? { keepAliveTimeoutMs: totalMs } : {}),
      },
      totalMs,
    );
    cleanup.push('server agent', async () => void (await server.stop(2000)));
    // A server that ends before the run stops it disturbs every arm from then on, by name.
    let serverEnded: string | null = null;
    void server.finished.then((out) => (serverEnded = describeAgentExit(out)));
    // Every arm starts from the lab's own values, so an arm never inherits the previous arm's settings.
    const keys = [...new Set(scenario.arms.flatMap((a) => Object.keys(a.sysctls)))];
    // Reads that change nothing, while the server starts.
    const [env, initial] = await Promise.all([readEnvironment(lab, deps.runner), lab.readSysctls([lab.nodeRoles[0]!], keys), server.ready]);
    environment = env;
    deps.progress?.({ type: 'phase', message: `lab ${lab.prefix}: data plane ${lab.dataPlane.proxyMode} (${lab.dataPlane.reason})` });
    const baseSysctls = initial[lab.nodeRoles[0]!] ?? {};
    const theLab = lab;
    const maxSecPerArm = (scenario.trials * scenario.load.durationMs) / 1000;
    const mode = deps.stopping ?? { kind: 'fixed' };
    const stopper =
      mode.kind === 'sequential'
        ? new SequentialStopper(trialsByArm, {
            alpha: VERDICT_DEFAULTS.alpha,
            minRequests: minRequestsOf(scenario),
            minRatePerMillion: mode.minRatePerMillion ?? SEQUENTIAL_DEFAULTS.minRatePerMillion,
          }, maxSecPerArm, faultMinExposureMs(scenario.fault, scenario.load) / 1000)
        : null;
    /** Runs one trial (or block) of arm i with `durationMs` of load; false when the run was interrupted. */
    const runOne = async (i: number, durationMs: number): Promise<boolean> => {
      const arm = scenario.arms[i]!;
      if (stopper && markSettled(trialsByArm[i]!, stopper.settled(i))) return true;
      if (deps.signal?.aborted) return false;
      const rpsWanted = rpsBase ? armRpsWanted(rpsBase, effectiveRps(scenario, arm)) : undefined;
      const s = durationMs === scenario.load.durationMs ? scenario : { ...scenario, load: { ...scenario.load, durationMs } };
      const trial = trialsByArm[i]!.length + 1;
      const result = await runTrial({ scenario: s, lab: theLab, arm, trial, baseSysctls, cleanup, rpsWanted, signal: deps.signal, progress: deps.progress, stopWhen: stopper?.stopWhen(i), timeScale: scale, serverEnded: () => serverEnded });
      trialsByArm[i]!.push(result);
      return !deps.signal?.aborted;
    };
    if (mode.kind === 'sequential' && mode.schedule === 'interleaved') {
      // Alternating blocks, each arm up to its maximum (trials x duration), until every arm is settled.
      const blockMs = (mode.blockSec ?? DEFAULT_BLOCK_SEC) * 1000;
      const budget = scenario.arms.map(() => scenario.trials * scenario.load.durationMs);
      let ran = true;
      outer: while (ran) {
        ran = false;
        for (const i of scenario.arms.keys()) {
          if (budget[i]! <= 0 || (stopper && stopper.settled(i))) {
            if (stopper) markSettled(trialsByArm[i]!, stopper.settled(i));
            continue;
          }
          const ms = Math.min(blockMs, budget[i]!);
          budget[i] = budget[i]! - ms;
          ran = true;
          if (!(await runOne(i, ms))) {
            complete = false;
            break outer;
          }
        }
      }
    } else {
      outer: for (let trial = 1; trial <= scenario.trials; trial++) {
        for (const i of deps.order?.(trial, scenario.arms.length) ?? scenario.arms.keys()) {
          if (!(await runOne(i, scenario.load.durationMs))) {
            complete = false;
            break outer;
          }
        }
      }
      if (stopper) scenario.arms.forEach((_, i) => markSettled(trialsByArm[i]!, stopper.settled(i)));
    }
  } catch (error) {
    const measured = trialsByArm.reduce((n, t) => n + t.length, 0);
    if (!deps.signal?.aborted && (environment === null || measured === 0)) throw await withCleanup(error, cleanup, lab);
    complete = false;
    if (deps.signal?.aborted) notes.push(`stopped by interruption: ${(error as Error).message}`);
    else {
      // A failure after trials were measured keeps them: the report is handed over (PartialRunError), marked incomplete.
      failure = error instanceof Error ? error : new Error(String(error));
      notes.push(`failed after ${measured} trial${measured === 1 ? '' : 's'}: ${failure.message}`);
    }
  }
  notes.push(...(await cleanup.unwind()));
  if (lab) notes.push(...(await lab.destroy()));
  if (deps.signal?.aborted) notes.push('the run was interrupted; results are partial');
  const arms: ArmResult[] = scenario.arms.map((a, i) => {
    const rps = trialsByArm[i]![0]?.rps;
    const stopping = armStopping(trialsByArm[i]!);
    return { ...poolArm(a.name, trialsByArm[i]!), ...(rps ? { rps } : {}), ...(stopping ? { stopping } : {}) };
  });
  if (environment === null) {
    // Interrupted before the lab existed: nothing was measured, so there is no report to keep.
    // Everything created so far has been removed above.
    throw new InterruptedError(String(deps.signal?.reason ?? 'signal'));
  }
  const verdict = decideVerdict(arms, {
    minRequests: minRequestsOf(scenario),
    context: {
      faultKind: scenario.fault.kind,
      offset: scenario.fault.kind === 'inject' ? scenario.fault.offset : undefined,
      kernel: environment?.kernel,
      masquerade: scenario.topology.masquerade,
      client: scenario.topology.client,
      proxyMode: environment?.proxyMode,
      service: scenario.topology.service,
      hairpin: scenario.topology.hairpin,
      ...(environment?.kubeProxy ? { kubeProxy: environment.kubeProxy } : {}),
    },
    ...(deps.stopping?.kind === 'sequential'
      ? { sequential: { minRatePerMillion: deps.stopping.minRatePerMillion, maxSecPerArm: (scenario.trials * scenario.load.durationMs) / 1000 } }
      : {}),
  });
  if (verdict.sequential && deps.stopping?.kind === 'sequential') {
    verdict.sequential.schedule = deps.stopping.schedule;
    if (deps.stopping.schedule === 'interleaved') verdict.sequential.blockSec = deps.stopping.blockSec ?? DEFAULT_BLOCK_SEC;
  }
  if (!complete) {
    verdict.outcome = 'inconclusive';
    const why = failure ? `The run failed before every arm finished (${failure.message.split('\n')[0]})` : 'The run was interrupted before every arm finished';
    verdict.explanation = `${why}, so no verdict is given. ${verdict.explanation}`;
  }
  const report: RunReport = {
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
  if (failure) throw new PartialRunError(report, failure);
  return report;
}

/**
 * A run that failed after some trials were measured: `report` holds them (complete false,
 * inconclusive), to be kept like any report; `failure` is what failed (exit 1 after keeping it).
 */
export class PartialRunError extends Error {
  constructor(
    readonly report: RunReport,
    readonly failure: Error,
  ) {
    super(failure.message);
    this.name = 'PartialRunError';
  }
}

/**
 * Records on the arm's last trial that the arm is settled when it stopped without noticing
 * (its trial ended at the same moment, or the other arm settled it). True when settled.
 */
function markSettled(trials: TrialResult[], settled: { settled: string; evidence?: Record<string, number> } | null): boolean {
  if (!settled) return false;
  const last = trials[trials.length - 1];
  if (last?.stopping && last.stopping.reason !== 'decided' && !trials.some((t) => t.stopping?.reason === 'decided')) {
    last.stopping = { ...last.stopping, reason: 'decided', settled: settled.settled, ...(settled.evidence ? { evidence: settled.evidence } : {}) };
  }
  return true;
}

/** Unwinds everything, then returns the original error with cleanup problems appended. */
async function withCleanup(error: unknown, cleanup: CleanupStack, lab: Lab | null): Promise<unknown> {
  const problems = [...(await cleanup.unwind()), ...(lab ? await lab.destroy() : [])];
  if (problems.length > 0 && error instanceof Error) error.message += `\n(cleanup also reported: ${problems.join('; ')})`;
  return error;
}
