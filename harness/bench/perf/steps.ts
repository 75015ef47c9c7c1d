/**
 * The measurements of the harness benchmark, each on a provisioned lab (or timing labs
 * itself). Trials are interleaved and counterbalanced (schedule.ts) so drift does not favour
 * a side. All traffic stays inside the lab; every process is registered for cleanup.
 */
import { readFile } from 'node:fs/promises';
import { startAgent, type StartedAgent } from '../../exec/agent-process.js';
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner } from '../../exec/runner.js';
import { snapshotCounters } from '../../counters/snapshot.js';
import { evidenceRules, evidenceTable } from '../../lab/evidence.js';
import type { FaultReport } from '../../faults/fault.js';
import { InjectFault, type InjectOptions } from '../../faults/inject.js';
import type { Lab } from '../../lab/lab.js';
import { FaultSpec } from '../../scenario/schema.js';
import { counterbalancedOrder } from '../schedule.js';
import { summarize, type SampleSummary } from '../welch.js';
import { parseProcStatusMemory } from './parse.js';
import { runLoadAgents, runWrk, serviceUrl, type LoadFigures } from './tools.js';

/** Starts the HTTP server agent with `responseBytes`; returns it once ready (registered for cleanup). */
export async function startServer(lab: Lab, responseBytes: number, cleanup: CleanupStack, lifetimeMs = 600_000): Promise<StartedAgent> {
  const server = startAgent(lab.nodes.server, 'server', { port: lab.addresses.serverPort, responseBytes }, lifetimeMs);
  cleanup.push(`server agent (${responseBytes} B)`, async () => void (await server.stop(2000)));
  await server.ready;
  return server;
}

/** Runs `variants` (named measurements) `trials` times, counterbalanced; returns the figures per variant. */
export async function interleave(variants: Array<{ name: string; run: () => Promise<LoadFigures> }>, trials: number): Promise<Map<string, LoadFigures[]>> {
  const out = new Map<string, LoadFigures[]>(variants.map((v) => [v.name, []]));
  for (let t = 1; t <= trials; t++) {
    for (const i of counterbalancedOrder(t, variants.length)) out.get(variants[i]!.name)!.push(await variants[i]!.run());
  }
  return out;
}

/** Summaries of requests/s and bytes/s of a list of figures. */
export function summarizeLoad(xs: LoadFigures[]): { requestsPerSec: SampleSummary; bytesPerSec: SampleSummary } {
  return { requestsPerSec: summarize(xs.map((x) => x.requestsPerSec)), bytesPerSec: summarize(xs.map((x) => x.bytesPerSec)) };
}

/** wrk against the load agent as 1 and 2 processes, same client namespace, connections and server. */
export async function loadVsWrkRuns(lab: Lab, opts: { connections: number; durationSec: number; trials: number; wrkThreads: number }, cleanup: CleanupStack) {
  const url = serviceUrl(lab);
  const figures = await interleave(
    [
      { name: 'wrk', run: async () => ({ ...(await runWrk(lab.nodes.client, url, opts.connections, opts.durationSec, opts.wrkThreads)) }) },
      { name: 'agent-1', run: () => runLoadAgents(lab.nodes.client, url, opts.connections, opts.durationSec, 1, cleanup) },
      { name: 'agent-2', run: () => runLoadAgents(lab.nodes.client, url, opts.connections, opts.durationSec, 2, cleanup) },
    ],
    opts.trials,
  );
  return figures;
}

/** Removes (false) or restores (true) the evidence counting tables in the evidence namespaces. */
export async function setEvidenceRules(lab: Lab, present: boolean): Promise<void> {
  const table = evidenceTable(lab.prefix);
  const rules = evidenceRules(lab.prefix, { vip: lab.addresses.vip, servicePort: lab.addresses.servicePort, serverIp: lab.addresses.serverIp, serverPort: lab.addresses.serverPort });
  await Promise.all(
    lab.evidenceRoles.map(async (r) => {
      await lab.nodes[r].exec(['nft', 'delete', 'table', 'ip', table], { check: false });
      if (present) await lab.nodes[r].exec(['nft', '-f', '-'], { input: rules });
    }),
  );
}

/** The scenarios' default injection rate (segments/s), read from the scenario schema's default. */
export function scenarioInjectRate(): number {
  const spec = FaultSpec.parse({ kind: 'inject' });
  if (spec.kind !== 'inject') throw new Error('failed to read the default inject rate from the scenario schema');
  return spec.ratePerSecond;
}

/** Rate of the injector's duty cycle in the `instrumented` overhead variant: as scenarios run it (50/s). */
export const OVERHEAD_INJECT_RATE = scenarioInjectRate();

/** The overhead variant's injector options: a dry run at OVERHEAD_INJECT_RATE, bounded by the trial. */
export function overheadInjectOptions(durationSec: number): InjectOptions {
  return { offset: 'below-window', ratePerSecond: OVERHEAD_INJECT_RATE, deadlineMs: (durationSec + 15) * 1000, dryRun: true };
}

/** What the dry-run injector did over the `instrumented` trials, summed from its fault reports. */
export interface InjectorTotals {
  /** Segments actually sent (0 unless the dry run failed to hold). */
  injected: number;
  /** Packets forged by the duty cycle and not sent. */
  wouldHaveSent: number;
  /** Inbound segments to the server port the socket read. */
  sniffed: number;
  /** Why a trial's injector could not be trusted (killed at its deadline, no result). */
  disturbed: string[];
}

/** Sums the injector's fault reports of the `instrumented` trials. */
export function injectorTotals(reports: FaultReport[]): InjectorTotals {
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return {
    injected: reports.reduce((s, r) => s + r.injected, 0),
    wouldHaveSent: reports.reduce((s, r) => s + num(r.details.wouldHaveSent), 0),
    sniffed: reports.reduce((s, r) => s + num(r.details.sniffed), 0),
    disturbed: reports.flatMap((r, i) => (r.disturbed ? [`overhead trial ${i + 1}: ${r.disturbed}`] : [])),
  };
}

/**
 * Measurement overhead, three ways, counterbalanced: `bare` (no evidence tables, no injector),
 * `counters` (the evidence counting rules and counter snapshots around the load) and
 * `instrumented` (counters plus the injector's duty cycle as scenarios run it: its raw socket
 * resumes at OVERHEAD_INJECT_RATE (50/s), discards the stale messages, pre-filters, parses and
 * forges a packet each time, but in a dry run, so nothing is sent and no connection is reset).
 * Leaves the evidence rules in place.
 */
export async function overheadRuns(lab: Lab, opts: { connections: number; durationSec: number; trials: number }, cleanup: CleanupStack) {
  const url = serviceUrl(lab);
  const injectorReports: FaultReport[] = [];
  const load = () => runLoadAgents(lab.nodes.client, url, opts.connections, opts.durationSec, 1, cleanup);
  const bare = async () => {
    await setEvidenceRules(lab, false);
    return load();
  };
  const counters = async () => {
    await setEvidenceRules(lab, true);
    await snapshotCounters(lab);
    const figures = await load();
    await snapshotCounters(lab);
    return figures;
  };
  const instrumented = async () => {
    await setEvidenceRules(lab, true);
    await snapshotCounters(lab);
    const fault = new InjectFault(overheadInjectOptions(opts.durationSec));
    await fault.apply(lab, cleanup);
    const figures = await load();
    injectorReports.push(await fault.revert());
    await snapshotCounters(lab);
    return figures;
  };
  const runs = await interleave([{ name: 'bare', run: bare }, { name: 'counters', run: counters }, { name: 'instrumented', run: instrumented }], opts.trials);
  await setEvidenceRules(lab, true);
  return { bare: runs.get('bare')!, counters: runs.get('counters')!, instrumented: runs.get('instrumented')!, injector: injectorTotals(injectorReports) };
}

/** Peak resident memory (max VmHWM, MiB) of the processes in `namespace` while `work` runs; polled every 200 ms. */
export async function peakMemoryDuring<T>(runner: Runner, namespace: string, work: Promise<T>): Promise<{ result: T; peakRssMiB: number; pids: number }> {
  let done = false;
  const seen = new Set<string>();
  let peakKiB = 0;
  const result = work.finally(() => {
    done = true;
  });
  while (!done) {
    const pids = (await runner.run(['ip', 'netns', 'pids', namespace], { check: false })).stdout.split('\n').filter((p) => /^\d+$/.test(p.trim()));
    for (const pid of pids) {
      seen.add(pid);
      const mem = parseProcStatusMemory(await readFile(`/proc/${pid.trim()}/status`, 'utf8').catch(() => ''));
      if (mem) peakKiB = Math.max(peakKiB, mem.hwmKiB);
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 200))]);
  }
  return { result: await result, peakRssMiB: peakKiB / 1024, pids: seen.size };
}
