/**
 * Vega-Lite specs for the HTML report's charts, built from a `RunReport`. Pure data: no
 * rendering here (see chart-svg.ts). Every spec carries its data inline (`data.values`), so
 * rendering never loads anything. Arms keep their run order and one colour each everywhere.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ArmResult, RunReport } from './schema.js';
import { formatRate } from '../verdict/index.js';
import { binDescription, buildTimeline, secondTicks, type Timeline } from './timeline.js';

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
    // Long arm names are not cut short; past three arms the legend takes two columns, so it stays as wide as the chart.
    legend: legend ? { title: null, labelLimit: 220, ...(arms.length > 3 ? { columns: 2 } : {}) } : null,
  };
}

/** More arms than two: labels on bars go short, on two lines or turned upright, so they do not run into each other. */
const crowded = (report: RunReport) => report.arms.length > 2;

/** (a) Resets per million requests per arm, with the exact 95% interval as error bars. */
export function resetRateSpec(report: RunReport): TopLevelSpec {
  const many = crowded(report);
  const values = report.arms.map((a) => ({
    arm: a.name, perMillion: a.resetRate.perMillion, low: a.resetRate.low, high: a.resetRate.high,
    label: many
      ? [formatRate(a.resetRate.perMillion), `(${a.resets} in ${a.requests})`]
      : `${formatRate(a.resetRate.perMillion)} per million (${a.resets} in ${a.requests})`,
  }));
  // Room above the highest interval for its label (it ran into the axis's top tick).
  const top = Math.max(1, ...values.map((v) => v.high)) * (many ? 1.3 : 1.15);
  return {
    // Wider with more arms (up to what a report's figure shows unscaled), so each name has room.
    width: Math.min(530, Math.max(WIDTH, 130 * report.arms.length)), height: 240, config: CONFIG, data: { values },
    encoding: { x: { field: 'arm', type: 'nominal', sort: report.arms.map((a) => a.name), title: null,
      // Arm names break at spaces onto more lines instead of being cut.
      axis: { labelAngle: 0, labelFontSize: many ? 12 : 13, labelFontWeight: 'bold', labelExpr: "split(datum.label, ' ')", labelLimit: 0 },
      scale: { paddingInner: 0.45, paddingOuter: 0.3 } } },
    layer: [
      { mark: { type: 'bar' }, encoding: { y: { field: 'perMillion', type: 'quantitative', title: 'resets per million requests', scale: { domainMax: top } },
        color: colour(report.arms, false) } },
      { mark: { type: 'rule', strokeWidth: 2, color: '#222' },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
      { mark: { type: 'tick', thickness: 2, color: '#222', size: 18 }, encoding: { y: { field: 'high', type: 'quantitative' } } },
      { mark: { type: 'tick', thickness: 2, color: '#222', size: 18 }, encoding: { y: { field: 'low', type: 'quantitative' } } },
      { mark: { type: 'text', dy: many ? -20 : -10, fontSize: many ? 11 : 12, fontWeight: 'bold', color: '#222' },
        encoding: { y: { field: 'high', type: 'quantitative' }, text: { field: 'label' } } },
    ],
  };
}

/** (b) The evidence funnel: one group of horizontal bars per stage, one bar per arm. */
export function funnelSpec(report: RunReport): TopLevelSpec {
  const values = report.arms.flatMap((a) =>
    FUNNEL_STAGES.map(([key, stage]) => ({
      arm: a.name, stage,
      count: key === 'resets' ? a.resets : ((a.evidence as unknown as Record<string, number | undefined>)[key] ?? 0),
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

/**
 * (c) Requests and resets per second over time, one line per arm, two stacked charts, binned
 * by `buildTimeline` (0.2 s bins for short arms, seconds for long ones); a dashed rule in the
 * arm's colour where the arm was decided, labelled on the upper chart.
 */
export function timelineSpec(report: RunReport, timeline: Timeline = buildTimeline(report)): TopLevelSpec {
  const ticks = secondTicks(timeline.endSec);
  const step = ticks[1] ?? 1;
  const x = {
    field: 't', type: 'quantitative' as const,
    title: `seconds of load in the arm${report.arms.some((a) => a.trials.length > 1) ? ' (trials in sequence)' : ''}`,
    scale: { domain: [0, ticks[ticks.length - 1]!], nice: false },
    axis: { values: ticks, format: step < 1 ? '.1f' : 'd', labelFlush: false },
  };
  const colourOf = colour(report.arms, false);
  const rules = timeline.decisions.length === 0 ? [] : [{
    data: { values: timeline.decisions },
    mark: { type: 'rule' as const, strokeDash: [5, 3], strokeWidth: 1.5 },
    encoding: { x: { ...x, field: 't' }, color: colourOf },
  }];
  const right = ticks[ticks.length - 1]! * 0.6;
  // A white outline under each label keeps it readable where it crosses a line.
  const labels = timeline.decisions.flatMap((d, i) => [true, false].map((halo) => ({
    data: { values: [d] },
    mark: { type: 'text' as const, align: d.t > right ? 'right' as const : 'left' as const, dx: d.t > right ? -4 : 4, fontSize: 11, fontWeight: 'bold' as const,
      ...(halo ? { stroke: 'white', strokeWidth: 3, strokeOpacity: 0.9 } : {}) },
    encoding: { x: { ...x, field: 't' }, y: { value: 10 + 14 * i }, text: { field: 'label', type: 'nominal' as const }, ...(halo ? {} : { color: colourOf }) },
  })));
  const points = Math.max(0, ...report.arms.map((a) => timeline.bins.filter((b) => b.arm === a.name).length));
  const line = (field: 'requestsPerSec' | 'resetsPerSec', title: string, legend: boolean) => ({
    width: WIDTH, height: 130,
    layer: [
      { mark: { type: 'line' as const, point: { size: points > 30 ? 14 : 30 }, strokeWidth: 2 },
        encoding: { x, y: { field, type: 'quantitative' as const, title }, color: colour(report.arms, legend) } },
      ...rules,
      ...(legend ? labels : []),
    ],
  });
  return {
    config: CONFIG, data: { values: timeline.bins },
    vconcat: [line('requestsPerSec', 'requests / s', true), line('resetsPerSec', 'resets / s', false)],
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
      crowded(report)
        ? { mark: { type: 'text', angle: 270, align: 'left', baseline: 'middle', dx: 3, fontSize: 10, color: '#222' },
          encoding: { text: { field: 'ms', type: 'quantitative', format: '.3~r' } } }
        : { mark: { type: 'text', dy: -6, fontSize: 11, color: '#222' }, encoding: { text: { field: 'ms', type: 'quantitative', format: '.3~r' } } },
    ],
  };
}

/** All charts of the report, in reading order. */
export function chartSpecs(report: RunReport): ChartSpec[] {
  const timeline = buildTimeline(report);
  const decided = timeline.decisions.length > 0 ? '; a dashed line marks where an arm was decided' : '';
  const trials = report.arms.some((a) => a.trials.length > 1)
    ? ' Trials (or interleaved blocks) follow one another, each from its load agent\'s start to the end of its drain.' : '';
  return [
    { id: 'reset-rate', title: 'Reset rate per arm', caption: 'Resets (ECONNRESET) per million requests; bars show the exact 95% interval.', spec: resetRateSpec(report) },
    { id: 'funnel', title: 'Evidence funnel', caption: 'Kernel counters along the causal chain, injected segment to client ECONNRESET.', spec: funnelSpec(report) },
    { id: 'timeline', title: 'Requests and resets over time',
      caption: `Per second of load, in ${binDescription(timeline, report.verdict.sequential !== undefined)}, counted by the load agent${decided}.${trials}`,
      spec: timelineSpec(report, timeline) },
    { id: 'latency', title: 'Latency percentiles', caption: 'p50, p90, p99 and max per arm, from autocannon.', spec: latencySpec(report) },
  ];
}
