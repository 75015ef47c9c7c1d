/**
 * The harness benchmark end to end: time lab provision/teardown, then on ONE lab the load
 * agent against wrk (2 B and 64 KiB), one iperf3 stream (the path's ceiling), the measurement
 * overhead and the load agent's peak memory; the lab is destroyed, `resetlab reproduce` is
 * timed, and the figures are compared with the stored baseline. Every process and the lab are
 * cleaned up whatever happens; cleanup problems become notes.
 */
import { createRequire } from 'node:module';
import { cpus, release } from 'node:os';
import { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner } from '../../exec/runner.js';
import type { Lab } from '../../lab/lab.js';
import type { LabFactory } from '../../run/run-scenario.js';
import { InterruptedError } from '../../errors.js';
import { gitCommit } from '../../run/environment.js';
import { TopologySpec } from '../../scenario/schema.js';
import { asInterrupted, throwIfInterrupted } from '../interrupt.js';
import { summarize, welchTest, type SampleSummary } from '../welch.js';
import { compareWithBaseline, readBaseline } from './baseline.js';
import { chooseAgentVariant } from './choose.js';
import type { HarnessBenchDoc, LoadVsWrk } from './doc.js';
import { loadVsWrkRuns, OVERHEAD_INJECT_RATE, overheadRuns, peakMemoryDuring, startServer, summarizeLoad } from './steps.js';
import { runIperf3, runLoadAgents, serviceUrl } from './tools.js';

/** Options of `runHarnessBench`. */
export interface HarnessBenchOptions {
  quick: boolean;
  baselineFile: string;
  /**
   * Times `resetlab reproduce` (sequential; with `fixed`, `--fixed`) and returns its time to
   * verdict (null = skipped, with `note`). Both are timed in the same run.
   */
  reproduce: (fixed?: boolean) => Promise<HarnessBenchDoc['reproduce']>;
}

/** Dependencies of `runHarnessBench`. */
export interface HarnessBenchDeps {
  provision: LabFactory;
  runner: Runner;
  say: (line: string) => void;
  signal?: AbortSignal;
}

const CONNECTIONS = 50;
const MEMORY_CONNECTIONS = 1000;
const BIG = 65_536;

function version(runner: Runner, argv: string[]): Promise<string> {
  return runner.run(argv, { check: false }).then((r) => (r.stdout + r.stderr).split('\n')[0]!.trim().split(/\s+\[|\s+Copyright|\s+\(/)[0]!, () => `${argv[0]} missing`);
}

async function timeLabs(deps: HarnessBenchDeps, cycles: number, notes: string[]) {
  const provision: number[] = [];
  const teardown: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const t0 = performance.now();
    const lab = await deps.provision(TopologySpec.parse({}));
    const t1 = performance.now();
    notes.push(...(await lab.destroy()));
    provision.push((t1 - t0) / 1000);
    teardown.push((performance.now() - t1) / 1000);
    checkAbort(deps.signal);
  }
  return { cycles, provisionSec: summarize(provision), teardownSec: summarize(teardown) };
}

/** Stops at a step boundary once interrupted: throws InterruptedError (exit 130); cleanup runs on the way out. */
const checkAbort = throwIfInterrupted;

async function onOneLab(lab: Lab, deps: HarnessBenchDeps, s: { durationSec: number; trials: number }, cleanup: CleanupStack, notes: string[]) {
  checkAbort(deps.signal);
  const loadVsWrk: LoadVsWrk[] = [];
  const wrkThreads = Math.max(1, Math.min(cpus().length, CONNECTIONS));
  for (const responseBytes of [2, BIG]) {
    deps.say(`  load agent vs wrk, ${responseBytes} B responses, ${s.trials} x ${s.durationSec}s each (1 and 2 agent processes)`);
    const server = await startServer(lab, responseBytes, cleanup);
    const runs = await loadVsWrkRuns(lab, { connections: CONNECTIONS, durationSec: s.durationSec, trials: s.trials, wrkThreads }, cleanup);
    await server.stop(2000);
    const agent = [1, 2].map((processes) => ({ processes, ...summarizeLoad(runs.get(`agent-${processes}`)!) }));
    const wrk = summarizeLoad(runs.get('wrk')!);
    const best = chooseAgentVariant(agent, wrk.requestsPerSec.mean);
    loadVsWrk.push({ responseBytes, connections: CONNECTIONS, wrkThreads, wrk, agent, processesUsed: best.processes, ratio: best.requestsPerSec.mean / wrk.requestsPerSec.mean });
    checkAbort(deps.signal);
  }
  deps.say(`  one iperf3 stream over the same path, ${s.durationSec}s`);
  const iperf = await runIperf3(lab, s.durationSec, cleanup);
  const big = loadVsWrk[1]!;
  const bigAgent = big.agent.find((a) => a.processes === big.processesUsed)!;
  const iperfBytes = iperf.receivedBitsPerSec / 8;
  const ceiling = {
    iperf3BytesPerSec: iperfBytes,
    agentBytesPerSec: bigAgent.bytesPerSec.mean,
    wrkBytesPerSec: big.wrk.bytesPerSec.mean,
    agentRatio: bigAgent.bytesPerSec.mean / iperfBytes,
    wrkRatio: big.wrk.bytesPerSec.mean / iperfBytes,
  };
  checkAbort(deps.signal);
  const overheadTrials = s.trials + 1;
  deps.say(
    `  measurement overhead: bare vs evidence counters vs counters + injector duty cycle at ${OVERHEAD_INJECT_RATE}/s (dry run: nothing sent), ` +
      `${overheadTrials} x ${s.durationSec}s each`,
  );
  let server = await startServer(lab, BIG, cleanup);
  const o = await overheadRuns(lab, { connections: CONNECTIONS, durationSec: s.durationSec, trials: overheadTrials }, cleanup);
  const rates = (xs: typeof o.bare) => xs.map((x) => x.requestsPerSec);
  const [bare, counters, instrumented] = [o.bare, o.counters, o.instrumented].map((xs) => summarize(rates(xs))) as [SampleSummary, SampleSummary, SampleSummary];
  const overhead = {
    responseBytes: BIG,
    bare,
    counters,
    instrumented,
    ratio: instrumented.mean / bare.mean,
    countersRatio: counters.mean / bare.mean,
    pValue: welchTest(rates(o.bare), rates(o.instrumented))?.pTwoSided ?? null,
    countersPValue: welchTest(rates(o.bare), rates(o.counters))?.pTwoSided ?? null,
    injected: o.injector.injected,
    injectorRatePerSecond: OVERHEAD_INJECT_RATE,
    injectorDryRun: true,
    wouldHaveInjected: o.injector.wouldHaveSent,
    sniffed: o.injector.sniffed,
  };
  notes.push(...o.injector.disturbed);
  if (o.injector.wouldHaveSent === 0) {
    notes.push('the dry-run injector forged no packet in the overhead trials: its duty cycle did not run, so the overhead ratio does not include it');
  }
  if (o.injector.injected > 0) notes.push(`the dry-run injector sent ${o.injector.injected} segment(s) in the overhead trials`);
  await server.stop(2000);
  checkAbort(deps.signal);
  deps.say(`  load agent memory at ${MEMORY_CONNECTIONS} connections, ${s.durationSec}s`);
  server = await startServer(lab, BIG, cleanup);
  const mem = await peakMemoryDuring(deps.runner, lab.nodes.client.id, runLoadAgents(lab.nodes.client, serviceUrl(lab), MEMORY_CONNECTIONS, s.durationSec, 1, cleanup));
  await server.stop(2000);
  const memory = { connections: MEMORY_CONNECTIONS, responseBytes: BIG, peakRssMiB: mem.peakRssMiB, pids: mem.pids };
  return { loadVsWrk, ceiling, overhead, memory };
}

/**
 * Runs every measurement (see module doc) and returns the document; the caller writes it.
 * Interrupted (deps.signal): stops at the next step, cleans up, prints the cleanup notes and
 * throws InterruptedError (exit 130), also when a step failed because of the signal.
 */
export async function runHarnessBench(opts: HarnessBenchOptions, deps: HarnessBenchDeps): Promise<HarnessBenchDoc> {
  const notes: string[] = [];
  try {
    return await measureAll(opts, deps, notes);
  } catch (error) {
    const out = asInterrupted(error, deps.signal);
    if (out !== error) deps.say(`  stopped by the interruption: ${error instanceof Error ? error.message : String(error)}`);
    if (out instanceof InterruptedError) notes.forEach((n) => deps.say(`  note: ${n}`));
    throw out;
  }
}

async function measureAll(opts: HarnessBenchOptions, deps: HarnessBenchDeps, notes: string[]): Promise<HarnessBenchDoc> {
  const startedAt = new Date();
  const t0 = performance.now();
  const s = opts.quick ? { durationSec: 2, trials: 2 } : { durationSec: 5, trials: 2 };
  deps.say('  lab provision and teardown, 3 cycles');
  const labTimes = await timeLabs(deps, 3, notes);
  const cleanup = new CleanupStack();
  const lab = await deps.provision(TopologySpec.parse({}));
  let measured: Awaited<ReturnType<typeof onOneLab>>;
  try {
    measured = await onOneLab(lab, deps, s, cleanup, notes);
  } finally {
    notes.push(...(await cleanup.unwind()), ...(await lab.destroy()));
  }
  checkAbort(deps.signal);
  deps.say('  time to verdict of `resetlab reproduce --fixed` (every arm its full duration)');
  const reproduceFixed = await opts.reproduce(true);
  checkAbort(deps.signal);
  deps.say('  time to verdict of `resetlab reproduce` (sequential: arms stop once decided)');
  const reproduce = await opts.reproduce(false);
  checkAbort(deps.signal);
  const f = reproduceFixed.timeToVerdictSec;
  const reproduceRatio = reproduce.timeToVerdictSec !== null && f !== null && f > 0 ? reproduce.timeToVerdictSec / f : null;
  const figures = {
    labProvisionSec: labTimes.provisionSec.mean,
    labTeardownSec: labTimes.teardownSec.mean,
    reproduceTimeToVerdictSec: reproduce.timeToVerdictSec,
    loadAgentPeakRssMiB: measured.memory.peakRssMiB,
  };
  const baseline = await readBaseline(opts.baselineFile);
  if (!baseline) notes.push(`no baseline at ${opts.baselineFile}: run with --write-baseline to create it`);
  const require = createRequire(import.meta.url);
  return {
    schema: 'resetlab/bench-harness@1',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    elapsedSec: (performance.now() - t0) / 1000,
    environment: {
      kernel: release(),
      cpus: cpus().length,
      nodeVersion: process.version,
      autocannonVersion: (require('autocannon/package.json') as { version: string }).version,
      gitCommit: await gitCommit(deps.runner),
      wrk: await version(deps.runner, ['wrk', '--version']),
      iperf3: await version(deps.runner, ['iperf3', '--version']),
    },
    settings: { quick: opts.quick, durationSec: s.durationSec, trials: s.trials, connections: CONNECTIONS },
    ...measured,
    lab: labTimes,
    reproduce,
    reproduceFixed,
    reproduceRatio,
    baseline: baseline ? { file: opts.baselineFile, commit: baseline.commit, createdAt: baseline.createdAt, comparisons: compareWithBaseline(figures, baseline.figures) } : null,
    figures,
    notes,
  };
}
