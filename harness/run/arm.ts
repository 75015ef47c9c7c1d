/**
 * One trial of one arm, on a provisioned lab with the server running: flush conntrack ->
 * set and read back sysctls -> snapshot counters -> apply fault -> load -> revert fault ->
 * snapshot -> read sysctls back again. Returns what was measured; anything that makes the
 * trial untrustworthy goes into `disturbed`, never silently passed. With `stopWhen` the load
 * stops as soon as it answers (the evidence counters are then read at the stop, as always).
 */
import { describeAgentExit, startAgent } from '../exec/agent-process.js';
import type { CleanupStack } from '../exec/cleanup-stack.js';
import type { ConnRecord } from '../agents/conn-log.js';
import { connectionFates } from '../counters/fates.js';
import { diffEvidence, snapshotCounters } from '../counters/snapshot.js';
import { createFault } from '../faults/create.js';
import type { Lab } from '../lab/lab.js';
import type { RpsWanted } from '../lab/rps.js';
import { sysctlMismatches } from '../lab/sysctl.js';
import { Sample, type Stopping, type TrialResult } from '../report/schema.js';
import { readIpvsTimeouts, setIpvsTimeouts } from '../lab/ipvs-timeouts.js';
import { ARM_INVALID_DROP_RULE, placeArmInvalidDrop } from '../lab/arm-invalid-drop.js';
import type { IpvsTimeouts } from '../counters/parse-ipvs.js';
import type { ArmSpec, Scenario } from '../scenario/schema.js';
import type { ProgressEvent } from './progress.js';
import { applyRps, rpsDrift } from './rps.js';

/**
 * Extra time an agent gets beyond the load duration before it is killed: 15 s, or
 * `RESETLAB_AGENT_GRACE_MS` (1 s to 10 min) where agents start slowly, e.g. in an emulated (TCG) guest.
 */
export const AGENT_GRACE_MS = agentGraceMs(process.env.RESETLAB_AGENT_GRACE_MS);

/** The grace from the environment value, or 15 s when it is absent or out of range. Pure. */
export function agentGraceMs(value: string | undefined): number {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n >= 1_000 && n <= 600_000 ? n : 15_000;
}

/** How often the load agent reports cumulative counts when the trial may stop early. */
export const COUNT_EVERY_MS = 200;

/**
 * Time the load agent gets to stop quietly after an early stop (it drains in-flight responses
 * for up to 2 s): the normal deadline's slack, scaled like it for slow (emulated) guests.
 */
const EARLY_STOP_GRACE_MS = AGENT_GRACE_MS;

/** Counts of the running trial so far, as `stopWhen` sees them. */
export interface LiveCounts {
  requests: number;
  resets: number;
  /** Seconds since the load agent started. */
  seconds: number;
}

/** What `stopWhen` returns to stop the load now: what is settled, and the evidence behind it. */
export interface StopDecision {
  settled: string;
  evidence?: Record<string, number>;
}

/** Inputs of `runTrial`. */
export interface TrialContext {
  scenario: Scenario;
  lab: Lab;
  arm: ArmSpec;
  trial: number;
  /** Values every arm starts from (the lab's own values of every key any arm sets). */
  baseSysctls: Record<string, number>;
  cleanup: CleanupStack;
  /** RPS this arm runs with (run/rps.ts); undefined: RPS is left alone. */
  rpsWanted?: RpsWanted;
  signal?: AbortSignal;
  progress?: (e: ProgressEvent) => void;
  /**
   * Sequential stopping: called with the trial's cumulative counts every COUNT_EVERY_MS; a
   * non-null answer stops the load early (quietly, not a disturbance). Absent: the load runs
   * its full duration (fixed mode).
   */
  stopWhen?: (live: LiveCounts) => StopDecision | null;
  /** Multiplies the agents' grace beyond the load duration (slow guests); default 1. */
  timeScale?: number;
  /** How the server agent ended, once it has (before the run stopped it); null while it serves. */
  serverEnded?: () => string | null;
}

/** The result's `samples` and their period, when the agent reported well-formed ones (else nothing). */
export function loadSamples(r: Record<string, unknown> | null | undefined): Pick<TrialResult, 'samplePeriodMs' | 'samples'> {
  const period = Number(r?.samplePeriodMs);
  const parsed = Sample.array().safeParse(r?.samples);
  if (!Number.isInteger(period) || period <= 0 || !parsed.success || parsed.data.length === 0) return {};
  return { samplePeriodMs: period, samples: parsed.data };
}

/**
 * The arm's IPVS timeouts (IPVS mode, node-a): the values in force after the fault (which may
 * shorten them) overridden by the arm's `ipvsTimeouts`, read back; read only when the arm sets
 * them or `record` (the idle-expiry fault). `restore` puts back what was
 * there before the arm's override. Undefined outside IPVS mode.
 */
async function applyArmIpvsTimeouts(lab: Lab, arm: ArmSpec, cleanup: CleanupStack, record: boolean): Promise<{ readBack: IpvsTimeouts; restore: () => Promise<void> } | undefined> {
  // Outside IPVS mode an arm's IPVS timeouts have nothing to act on: the arm runs as a control.
  if (lab.dataPlane.proxyMode !== 'ipvs' || (!arm.ipvsTimeouts && !record)) return undefined;
  const a = lab.nodes['node-a'];
  const before = await readIpvsTimeouts(a);
  if (!arm.ipvsTimeouts) return { readBack: before, restore: async () => undefined };
  cleanup.push('arm IPVS timeouts', async () => void (await setIpvsTimeouts(a, before, {}).catch(() => undefined)));
  const readBack = await setIpvsTimeouts(a, before, arm.ipvsTimeouts);
  return { readBack, restore: async () => void (await setIpvsTimeouts(a, before, {})) };
}

/** Runs one trial of one arm (see module doc). */
export async function runTrial(ctx: TrialContext): Promise<TrialResult> {
  const { scenario, lab, arm, trial, cleanup } = ctx;
  const durationSec = scenario.load.durationMs / 1000;
  const graceMs = Math.round(AGENT_GRACE_MS * (ctx.timeScale ?? 1));
  const deadlineMs = scenario.load.durationMs + graceMs;
  const disturbed: string[] = [];
  // The load agent starts warm (local processes) while the arm is set up, so Node's start-up
  // and autocannon's import are off the arm's clock, and begins its load at go(); a container
  // agent starts cold, once the arm is set up.
  const warm = !lab.nodes.client.spawnAgent;
  const startLoad = () => startAgent(
    lab.nodes.client,
    'load',
    {
      url: `http://${lab.addresses.vip}:${lab.addresses.servicePort}/`,
      connections: scenario.load.connections,
      durationSec,
      pipelining: scenario.load.pipelining,
      ...(scenario.load.idle ? { idle: scenario.load.idle } : {}),
      ...(arm.keepalive ? { keepaliveIdleMs: arm.keepalive.idleMs } : {}),
      ...(ctx.stopWhen ? { countEveryMs: COUNT_EVERY_MS } : {}),
      // Samples at the stopping check's period, so a timeline of a short arm has real points.
      sampleEveryMs: COUNT_EVERY_MS,
      ...(warm ? { startOnSignal: true } : {}),
    },
    deadlineMs,
  );
  const warmLoad = warm ? startLoad() : null;
  if (warmLoad) cleanup.push('load agent', async () => warmLoad.kill());
  const wanted = { ...ctx.baseSysctls, ...arm.sysctls };
  // No traffic flows yet: the flush and the arm's sysctls are independent.
  const [, sysctlsByNode] = await Promise.all([lab.flushConntrack(), lab.setSysctls(lab.nodeRoles, wanted)]);
  const rps = await applyRps(lab, ctx.rpsWanted);
  const armDrop = arm.dropInvalid ? await placeArmInvalidDrop(lab, cleanup) : undefined;
  // Independent reads, at once: the arm's data-plane rules and the counters before it.
  const [dataPlaneRules, before] = await Promise.all([lab.dataPlaneRules ? lab.dataPlaneRules() : Promise.resolve(undefined), snapshotCounters(lab)]);
  // A cold load (containers, kubectl exec) starts only after the fault is in place: the
  // injector's deadline also covers that start-up (one more grace).
  const fault = createFault(scenario.fault, warm ? deadlineMs : deadlineMs + graceMs);
  await fault.apply(lab, cleanup);
  const ipvsTimeouts = await applyArmIpvsTimeouts(lab, arm, cleanup, scenario.fault.kind === 'ipvs-idle-expiry');
  const load = warmLoad ?? startLoad();
  if (!warmLoad) cleanup.push('load agent', async () => load.kill());
  if (load.go) await load.armed;
  ctx.progress?.({ type: 'arm-start', arm: arm.name, trial, trials: scenario.trials, durationSec });
  const afterLoad = lab.duringLoad?.();
  if (afterLoad) cleanup.push('after the load (control plane continued)', async () => afterLoad());
  load.go?.();
  const ticks: TrialResult['ticks'] = [];
  let resetsSoFar = 0;
  load.onTick((t) => {
    const tick = { second: Number(t.second), requests: Number(t.requests), resets: Number(t.resets) };
    ticks.push(tick);
    resetsSoFar += tick.resets;
    ctx.progress?.({ type: 'tick', arm: arm.name, trial, second: tick.second, durationSec, requestsPerSec: tick.requests, resetsSoFar });
  });
  let decided: (LiveCounts & StopDecision) | null = null;
  const stopWhen = ctx.stopWhen;
  if (stopWhen) {
    load.onCount((c) => {
      if (decided) return;
      const live = { requests: Number(c.requests), resets: Number(c.resets), seconds: Number(c.elapsedMs) / 1000 };
      const d = stopWhen(live);
      if (!d) return;
      decided = { ...live, ...d };
      ctx.progress?.({ type: 'phase', message: `${arm.name}: ${d.settled} after ${live.requests} requests, ${live.resets} resets, ${live.seconds.toFixed(1)} s: stopping the load` });
      void load.stop(Math.round(EARLY_STOP_GRACE_MS * (ctx.timeScale ?? 1)));
    });
  }
  const onAbort = () => void load.stop(2000);
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  // An interrupt that arrived while the arm was being set up: stop the load at once.
  if (ctx.signal?.aborted) onAbort();
  const loadOut = await load.finished;
  afterLoad?.();
  ctx.signal?.removeEventListener('abort', onAbort);
  const faultReport = await fault.revert(lab);
  await ipvsTimeouts?.restore();
  // Independent reads, at once: the counters after the load, the sysctls and RPS read back.
  const [after, readBack, drift] = await Promise.all([snapshotCounters(lab), lab.readSysctls(lab.nodeRoles, Object.keys(wanted)), rpsDrift(lab, ctx.rpsWanted)]);
  const armInvalidDropped = armDrop ? await armDrop.finish() : undefined;
  for (const role of lab.nodeRoles) {
    for (const m of sysctlMismatches(wanted, readBack[role] ?? {})) disturbed.push(`${role} sysctl changed during the arm: ${m}`);
  }
  disturbed.push(...drift);
  if (ctx.signal?.aborted) disturbed.push('interrupted before the load finished');
  const serverEnded = ctx.serverEnded?.();
  if (serverEnded) disturbed.push(`the server agent ended before the arm did (${serverEnded})`);
  if (loadOut.killedAtDeadline) disturbed.push(`the load agent was killed at its deadline (${deadlineMs} ms)`);
  if (faultReport.disturbed) disturbed.push(faultReport.disturbed);
  const r = loadOut.result;
  if (!r) disturbed.push(`the load agent produced no result (${describeAgentExit(loadOut)})`);
  const errors = (r?.errors ?? {}) as Record<string, number>;
  // Resets are counted per connection (once, whatever the pipelining): the unit the Poisson
  // test needs. `errors` keeps the failed requests by code.
  const connectionErrors = (r?.connectionErrors ?? {}) as Record<string, number>;
  const requests = Number(r?.requests ?? 0);
  const resets = connectionErrors.ECONNRESET ?? 0;
  // Per-connection fates of the leaked segments (inject faults with a RST capture).
  const fates = faultReport.trace
    ? connectionFates(faultReport.trace, Array.isArray(r?.connections) ? (r.connections as ConnRecord[]) : null, lab.addresses.serverPort)
    : null;
  const d = decided as (LiveCounts & StopDecision) | null;
  const stopping: Stopping = d
    ? { reason: 'decided', settled: d.settled, requests: d.requests, resets: d.resets, seconds: d.seconds, ...(d.evidence ? { evidence: d.evidence } : {}), mode: 'sequential' }
    : { reason: ctx.signal?.aborted ? 'interrupted' : 'max-duration', requests, resets, seconds: Number(r?.durationSec ?? 0), mode: stopWhen ? 'sequential' : 'fixed' };
  const result: TrialResult = {
    trial,
    sysctlsByNode,
    requests,
    resets,
    errors,
    connectionErrors,
    ...(dataPlaneRules ? { dataPlaneRules } : {}),
    durationSec: Number(r?.durationSec ?? 0),
    throughputBytesPerSec: Number(r?.throughputBytesPerSec ?? 0),
    requestsPerSec: Number(r?.requestsPerSec ?? 0),
    latencyMs: (r?.latencyMs as TrialResult['latencyMs']) ?? { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 },
    evidence: {
      ...diffEvidence(before, after, faultReport.injected),
      ...faultReport.evidence,
      ...(fates?.leakFates ? { leakFates: fates.leakFates } : {}),
      ...(armInvalidDropped !== undefined ? { armInvalidDropped } : {}),
    },
    faultDetails: faultReport.details,
    ticks,
    ...loadSamples(r),
    disturbed,
    ...(rps ? { rps } : {}),
    ...(ipvsTimeouts ? { ipvsTimeouts: ipvsTimeouts.readBack } : {}),
    ...(armDrop ? { armInvalidDrop: ARM_INVALID_DROP_RULE } : {}),
    ...(arm.keepalive ? { keepalive: { idleSec: Math.floor(arm.keepalive.idleMs / 1000), intervalSec: 1, probes: 10, setBy: 'socket.setKeepAlive (libuv 1.46: TCP_KEEPIDLE, TCP_KEEPINTVL 1 s, TCP_KEEPCNT 10)' } } : {}),
    stopping,
    ...(fates?.leakedConnections ? { leakedConnections: fates.leakedConnections } : {}),
    ...(fates ? { connectionTrace: fates.connectionTrace } : {}),
  };
  ctx.progress?.({ type: 'arm-end', arm: arm.name, trial, requests: result.requests, resets: result.resets });
  return result;
}
