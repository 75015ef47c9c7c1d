/**
 * Vega-Lite specs for the HTML report's charts, built from a `RunReport`. Pure data: no
 * rendering here (see chart-svg.ts). Every spec carries its data inline (`data.values`), so
 * rendering never loads anything. Arms keep their run order and one colour each everywhere.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ArmResult, RunReport } from './schema.js';
import { formatRate } from '../verdict/index.js';

/** One chart of the report: a stable id (for SVG ids and tests), a title and its spec. */
export interface ChartSpec {
  id: 'reset-rate' | 'funnel' | 'timeline' | 'latency';
  title: string;
  /** One sentence under the title: what to look for. */
  caption: string;
  spec: TopLevelSpec;
}

/** Colours of arms in run order (baseline first); repeats after eight arms. */
export const ARM_PALETTE = ['#d95f02', '#1b9e77', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];

/** Evidence funnel stages in causal order: key of `Evidence` (or `resets`) and its label. */
export const FUNNEL_STAGES: ReadonlyArray<readonly [key: string, label: string]> = [
  ['injected', 'injected segments'],
  ['conntrackInvalid', 'conntrack INVALID'],
  ['invalidDropped', 'dropped (INVALID rule)'],
  ['leakedUnNatted', 'leaked un-NATed'],
  ['injectedNatted', 'injected, delivered NATed'],
  ['clientRstsSent', 'client RSTs sent'],
  ['serverResets', 'server resets'],
  ['resets', 'ECONNRESET (client)'],
];

const WIDTH = 440;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 12, titleFontSize: 12, labelColor: '#333', titleColor: '#333', gridColor: '#e8e8e8', domainColor: '#888' },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: 'top' as const, title: null },
};

function colour(arms: ArmResult[], legend: boolean) {
  return {
    field: 'arm',
    type: 'nominal' as const,
    sort: arms.map((a) => a.name),
    scale: { domain: arms.map((a) => a.name), range: arms.map((_, i) => ARM_PALETTE[i % ARM_PALETTE.length]!) },
    legend: legend ? { title: null } : null,
  };
}

/** (a) Resets per million requests per arm, with the exact 95% interval as error bars. */
export function resetRateSpec(report: RunReport): TopLevelSpec {
  const values = report.arms.map((a) => ({
    arm: a.name, perMillion: a.resetRate.perMillion, low: a.resetRate.low, high: a.resetRate.high,
    label: `${formatRate(a.resetRate.perMillion)} per million (${a.resets} in ${a.requests})`,
  }));
  return {
    width: WIDTH, height: 240, config: CONFIG, data: { values },
    encoding: { x: { field: 'arm', type: 'nominal', sort: report.arms.map((a) => a.name), title: null,
      axis: { labelAngle: 0, labelFontSize: 13, labelFontWeight: 'bold' }, scale: { paddingInner: 0.45, paddingOuter: 0.3 } } },
    layer: [
      { mark: { type: 'bar' }, encoding: { y: { field: 'perMillion', type: 'quantitative', title: 'resets per million requests' },
        color: colour(report.arms, false) } },
      { mark: { type: 'rule', strokeWidth: 2, color: '#222' },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
      { mark: { type: 'tick', thickness: 2, color: '#222', size: 18 }, encoding: { y: { field: 'high', type: 'quantitative' } } },
      { mark: { type: 'tick', thickness: 2, color: '#222', size: 18 }, encoding: { y: { field: 'low', type: 'quantitative' } } },
      { mark: { type: 'text', dy: -10, fontSize: 12, fontWeight: 'bold', color: '#222' },
        encoding: { y: { field: 'high', type: 'quantitative' }, text: { field: 'label' } } },
    ],
  };
}

/** (b) The evidence funnel: one group of horizontal bars per stage, one bar per arm. */
export function funnelSpec(report: RunReport): TopLevelSpec {
  const values = report.arms.flatMap((a) =>
    FUNNEL_STAGES.map(([key, stage]) => ({
      arm: a.name, stage,
      count: key === 'resets' ? a.resets : ((a.evidence as Record<string, number | undefined>)[key] ?? 0),
    })));
  const stages = FUNNEL_STAGES.map(([, label]) => label);
  return {
    width: WIDTH - 90, height: { step: 15 }, config: CONFIG, data: { values },
    encoding: {
      y: { field: 'stage', type: 'nominal', sort: stages, title: null, axis: { labelFontSize: 12, labelLimit: 0 } },
      yOffset: { field: 'arm', type: 'nominal', sort: report.arms.map((a) => a.name) },
      x: { field: 'count', type: 'quantitative', title: 'count (kernel counters, per arm)' },
    },
    layer: [
      { mark: { type: 'bar' }, encoding: { color: colour(report.arms, true) } },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 11, color: '#222' }, encoding: { text: { field: 'count', type: 'quantitative' } } },
    ],
  };
}

/** Per-arm tick rows with a running time axis (trials follow one another). */
export function timelineRows(report: RunReport): Array<{ arm: string; t: number; requests: number; resets: number }> {
  return report.arms.flatMap((a) => {
    let offset = 0;
    return a.trials.flatMap((trial) => {
      const rows = trial.ticks.map((tick) => ({ arm: a.name, t: offset + tick.second, requests: tick.requests, resets: tick.resets }));
      offset += Math.max(0, ...trial.ticks.map((tick) => tick.second));
      return rows;
    });
  });
}

/** (c) Requests and resets per second over time, one line per arm, two stacked charts. */
export function timelineSpec(report: RunReport): TopLevelSpec {
  const x = { field: 't', type: 'quantitative' as const, title: 'second of the arm (trials in sequence)', axis: { tickMinStep: 1 } };
  const line = (field: 'requests' | 'resets', title: string, legend: boolean) => ({
    width: WIDTH, height: 120,
    mark: { type: 'line' as const, point: { size: 30 }, strokeWidth: 2 },
    encoding: { x, y: { field, type: 'quantitative' as const, title }, color: colour(report.arms, legend) },
  });
  return {
    config: CONFIG, data: { values: timelineRows(report) },
    vconcat: [line('requests', 'requests / s', true), line('resets', 'resets / s', false)],
  };
}

/** 0, 1, 2, 5, 10, 20, 50, ... up to the first value at or above `top`: readable ticks on a symlog axis. */
export function niceLogTicks(top: number): number[] {
  const ticks = [0];
  for (let decade = 1; ticks[ticks.length - 1]! < top && decade < 1e9; decade *= 10) {
    for (const m of [1, 2, 5]) if (ticks[ticks.length - 1]! < top) ticks.push(m * decade);
  }
  return ticks;
}

/** (d) Latency percentiles per arm (symlog scale, so p50 and max are both readable). */
export function latencySpec(report: RunReport): TopLevelSpec {
  const percentiles = ['p50', 'p90', 'p99', 'max'] as const;
  const values = report.arms.flatMap((a) => percentiles.map((p) => ({ arm: a.name, percentile: p, ms: a.latencyMs[p] })));
  const ticks = niceLogTicks(Math.max(1, ...values.map((v) => v.ms)));
  return {
    width: WIDTH, height: 220, config: CONFIG, data: { values },
    encoding: {
      x: { field: 'percentile', type: 'nominal', sort: [...percentiles], title: null, axis: { labelAngle: 0, labelFontSize: 13 } },
      xOffset: { field: 'arm', type: 'nominal', sort: report.arms.map((a) => a.name) },
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms, symlog scale)', scale: { type: 'symlog', domain: [0, ticks[ticks.length - 1]!] },
        axis: { values: ticks } },
    },
    layer: [
      { mark: { type: 'bar' }, encoding: { color: colour(report.arms, true) } },
      { mark: { type: 'text', dy: -6, fontSize: 11, color: '#222' }, encoding: { text: { field: 'ms', type: 'quantitative', format: '.3~r' } } },
    ],
  };
}

/** All charts of the report, in reading order. */
export function chartSpecs(report: RunReport): ChartSpec[] {
  return [
    { id: 'reset-rate', title: 'Reset rate per arm', caption: 'Resets (ECONNRESET) per million requests; bars show the exact 95% interval.', spec: resetRateSpec(report) },
    { id: 'funnel', title: 'Evidence funnel', caption: 'Kernel counters along the causal chain, injected segment to client ECONNRESET.', spec: funnelSpec(report) },
    { id: 'timeline', title: 'Requests and resets over time', caption: 'Per second of load, from the load agent.', spec: timelineSpec(report) },
    { id: 'latency', title: 'Latency percentiles', caption: 'p50, p90, p99 and max per arm, from autocannon.', spec: latencySpec(report) },
  ];
}
