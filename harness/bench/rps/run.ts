/**
 * Runs the RPS benchmark on ONE lab: the plan's scenario (one arm per mask, each with its own
 * `rps`) through the ordinary pipeline with a counterbalanced arm order, CPU windows taken from
 * the load ticks, then bench.json, summary.md and report.html in `<out>/<ts>-bench-rps/`.
 * The pipeline provisions and always destroys the lab; the driver comes from the caller.
 */
import { readFile } from 'node:fs/promises';
import type { Runner } from '../../exec/runner.js';
import type { ProgressEvent } from '../../run/progress.js';
import { runScenario, type LabFactory } from '../../run/run-scenario.js';
import { cpuProbe } from '../cpu-probe.js';
import type { CpuWindow } from '../proc-cpu.js';
import type { RpsBenchDoc } from './doc.js';
import { renderRpsHtml } from './html.js';
import type { RpsPlan } from './plan.js';
import { renderRpsMarkdown } from './render.js';
import { buildRpsBenchDoc, rfsState } from './summary.js';
import { counterbalancedOrder } from '../schedule.js';
import { createBenchDir, writeFiles } from '../write.js';

/** What `runRpsBench` needs. */
export interface RpsBenchDeps {
  provision: LabFactory;
  runner: Runner;
  outDir: string;
  signal?: AbortSignal;
  progress?: (e: ProgressEvent) => void;
}

/** The host's `net.core.rps_sock_flow_entries` (read-only), or null when it cannot be read. */
export async function readHostSockFlowEntries(): Promise<number | null> {
  try {
    const n = Number((await readFile('/proc/sys/net/core/rps_sock_flow_entries', 'utf8')).trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** Runs the benchmark and writes its files; returns the document and the directory written. */
export async function runRpsBench(plan: RpsPlan, deps: RpsBenchDeps): Promise<{ doc: RpsBenchDoc; dir: string }> {
  const windows = new Map<string, CpuWindow[] | null>();
  const probe = cpuProbe(windows);
  const report = await runScenario(plan.scenario, {
    provision: deps.provision,
    runner: deps.runner,
    signal: deps.signal,
    order: counterbalancedOrder,
    progress: (e) => {
      probe(e);
      deps.progress?.(e);
    },
  });
  const flowCnt = plan.scenario.arms[0]?.rps?.flowCnt ?? 0;
  const doc = buildRpsBenchDoc(plan, report, windows, rfsState(await readHostSockFlowEntries(), flowCnt));
  const dir = await createBenchDir(deps.outDir, doc.startedAt, 'bench-rps');
  await writeFiles(dir, [
    ['bench.json', JSON.stringify(doc, null, 2) + '\n'],
    ['summary.md', renderRpsMarkdown(doc)],
    ['report.html', await renderRpsHtml(doc)],
  ]);
  return { doc, dir };
}
