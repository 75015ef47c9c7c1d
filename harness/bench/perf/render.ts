/**
 * The harness benchmark's table: one row per measure with its value, the reference it is
 * compared with, the ratio and the goal where there is one. Pure.
 */
import { formatP } from '../../verdict/index.js';
import type { HarnessBenchDoc } from './doc.js';

const n0 = (x: number) => String(Math.round(x));
const mbs = (x: number) => `${(x / 1e6).toFixed(1)} MB/s`;
const sec = (x: number) => `${x.toFixed(x < 10 ? 3 : 1)} s`;
const ratio = (x: number | null) => (x === null ? '-' : x.toFixed(2));
const size = (b: number) => (b >= 1024 ? `${b / 1024} KiB` : `${b} B`);

/** What the `instrumented` overhead variant ran: "counters + injector duty cycle at 50/s, dry run" (older documents: the sniffing injector). */
export function overheadVariant(doc: HarnessBenchDoc): string {
  const o = doc.overhead;
  if (o.injectorRatePerSecond === undefined) return 'counters + sniffing injector';
  return `counters + injector duty cycle at ${o.injectorRatePerSecond}/s${o.injectorDryRun ? ', dry run' : ''}`;
}

/** The line saying what the injector did in the overhead trials (null for older documents). */
export function injectorLine(doc: HarnessBenchDoc): string | null {
  const o = doc.overhead;
  if (o.injectorRatePerSecond === undefined) return null;
  const forged = o.wouldHaveInjected ?? 0;
  return (
    `Injector in the overhead trials: ${o.injectorDryRun ? 'dry run (sniff, parse and forge; nothing sent)' : 'sending'} at ${o.injectorRatePerSecond}/s, ` +
    `${forged} packet${forged === 1 ? '' : 's'} forged${o.injectorDryRun ? ' and not sent' : ''}, ${o.sniffed ?? 0} segments sniffed, ${o.injected} sent.`
  );
}

/** Rows `[measure, value, reference, ratio, goal]`. */
export function harnessRows(doc: HarnessBenchDoc): string[][] {
  const rows: string[][] = [];
  for (const l of doc.loadVsWrk) {
    const used = l.agent.find((a) => a.processes === l.processesUsed)!;
    const others = l.agent.filter((a) => a.processes !== l.processesUsed).map((a) => `${a.processes} proc: ${n0(a.requestsPerSec.mean)}`).join(', ');
    rows.push([
      `load agent req/s, ${size(l.responseBytes)}, ${l.connections} conns (${l.processesUsed} process${l.processesUsed === 1 ? '' : 'es'}${others ? `; ${others}` : ''})`,
      `${n0(used.requestsPerSec.mean)} ± ${n0(used.requestsPerSec.sd)}`,
      `wrk -t${l.wrkThreads}: ${n0(l.wrk.requestsPerSec.mean)} ± ${n0(l.wrk.requestsPerSec.sd)}`,
      ratio(l.ratio),
      `>= 1.0 ${l.ratio >= 1 ? 'met' : 'NOT met'}`,
    ]);
  }
  if (doc.ceiling) {
    rows.push(['load agent bytes/s, 64 KiB, vs one iperf3 stream (path ceiling)', mbs(doc.ceiling.agentBytesPerSec), `iperf3: ${mbs(doc.ceiling.iperf3BytesPerSec)}`, ratio(doc.ceiling.agentRatio), '(ceiling)']);
    rows.push(['wrk bytes/s, 64 KiB, vs the same iperf3 stream', mbs(doc.ceiling.wrkBytesPerSec), `iperf3: ${mbs(doc.ceiling.iperf3BytesPerSec)}`, ratio(doc.ceiling.wrkRatio), '(ceiling)']);
  }
  const o = doc.overhead;
  rows.push([
    `measurement overhead: req/s ${overheadVariant(doc)} / bare, ${size(o.responseBytes)} (p=${o.pValue === null ? 'n/a' : formatP(o.pValue)})`,
    `${n0(o.instrumented.mean)} ± ${n0(o.instrumented.sd)}`,
    `bare: ${n0(o.bare.mean)} ± ${n0(o.bare.sd)}`,
    ratio(o.ratio),
    `>= 0.97 ${o.ratio >= 0.97 ? 'met' : 'NOT met'}`,
  ]);
  if (o.counters && o.countersRatio !== undefined) {
    rows.push([
      `  of which evidence counters alone (no injector) (p=${o.countersPValue == null ? 'n/a' : formatP(o.countersPValue)})`,
      `${n0(o.counters.mean)} ± ${n0(o.counters.sd)}`,
      `bare: ${n0(o.bare.mean)} ± ${n0(o.bare.sd)}`,
      ratio(o.countersRatio),
      '',
    ]);
  }
  const base = new Map(doc.baseline?.comparisons.map((c) => [c.name, c]) ?? []);
  const vsBase = (name: keyof HarnessBenchDoc['figures'], fmt: (x: number) => string) => {
    const c = base.get(name);
    return [c?.baseline === null || c?.baseline === undefined ? 'no baseline' : `baseline: ${fmt(c.baseline)}`, ratio(c?.ratio ?? null), 'lower is better'];
  };
  rows.push([`lab provision (mean of ${doc.lab.cycles})`, sec(doc.lab.provisionSec.mean), ...vsBase('labProvisionSec', sec)]);
  rows.push([`lab teardown (mean of ${doc.lab.cycles})`, sec(doc.lab.teardownSec.mean), ...vsBase('labTeardownSec', sec)]);
  const ttv = doc.reproduce.timeToVerdictSec;
  rows.push(['`resetlab reproduce` time to verdict', ttv === null ? doc.reproduce.note : sec(ttv), ...vsBase('reproduceTimeToVerdictSec', sec)]);
  if (doc.reproduce.wallSec !== undefined) {
    rows.push(['  build check + process, spawn to exit', sec(doc.reproduce.wallSec), '', '', '<= 10 s ' + (doc.reproduce.wallSec <= 10 ? 'met' : 'NOT met')]);
    const lanes = doc.reproduce.lanes ?? [];
    if (lanes.length > 0) rows.push([`  split along the scenario that finished last (${lanes.length} ran side by side)`, '', '', '', '']);
    for (const p of doc.reproduce.split ?? []) rows.push([`    ${p.phase}`, sec(p.sec), '', ratio(p.ratio), '']);
    for (const lane of lanes) {
      rows.push([`  ${lane.scenario}: its own lab, first line to last arm`, sec(lane.sec), '', '', '']);
      for (const p of lane.phases) rows.push([`    ${p.phase}`, sec(p.sec), '', ratio(p.ratio), '']);
    }
  }
  if (doc.reproduceFixed) {
    const f = doc.reproduceFixed.timeToVerdictSec;
    const r = doc.reproduceRatio ?? null;
    rows.push([
      '  sequential / `--fixed` (same run)',
      ttv === null ? '-' : sec(ttv),
      f === null ? `--fixed: ${doc.reproduceFixed.note}` : `--fixed: ${sec(f)}`,
      ratio(r),
      r === null ? '<= 0.35' : `<= 0.35 ${r <= 0.35 ? 'met' : 'NOT met'}`,
    ]);
  }
  rows.push([`load agent peak RSS (VmHWM), ${doc.memory.connections} conns, ${size(doc.memory.responseBytes)}`, `${doc.memory.peakRssMiB.toFixed(1)} MiB`, ...vsBase('loadAgentPeakRssMiB', (x) => `${x.toFixed(1)} MiB`)]);
  return rows;
}

/** The table as aligned text, with a headline and notes. */
export function renderHarnessTable(doc: HarnessBenchDoc): string {
  const header = ['measure', 'value', 'reference', 'ratio', 'goal'];
  const rows = [header, ...harnessRows(doc)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const e = doc.environment;
  return [
    `resetlab harness benchmark — kernel ${e.kernel}, ${e.cpus} CPUs, Node ${e.nodeVersion}, autocannon ${e.autocannonVersion}, ${e.wrk}, ${e.iperf3}` +
      `${e.gitCommit ? `, commit ${e.gitCommit.slice(0, 12)}` : ''}`,
    `${doc.settings.trials} trial(s) of ${doc.settings.durationSec}s per measurement, interleaved and counterbalanced; ${doc.elapsedSec.toFixed(0)} s in all`,
    '',
    fmt(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(fmt),
    '',
    ...[injectorLine(doc)].filter((l): l is string => l !== null),
    ...(doc.reproduceFixed ? [`Reproduce: ${doc.reproduce.note}; ${doc.reproduceFixed.note}.`] : []),
    ...(doc.baseline ? [`Baseline: ${doc.baseline.file} (commit ${doc.baseline.commit?.slice(0, 12) ?? 'unknown'}, ${doc.baseline.createdAt}).`] : []),
    ...doc.notes.map((n) => `Note: ${n}`),
    '',
  ].join('\n');
}
