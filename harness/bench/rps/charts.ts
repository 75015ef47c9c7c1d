/**
 * Vega-Lite specs for the RPS benchmark report, one chart per metric: requests/s, MB/s (bar =
 * mean, line = min-max, dots = trials; disturbed trials, left out of the figures, as red
 * crosses), latency p50/p99, reset rate with exact intervals, and softirq share per CPU. Pure
 * data with values inline (rendered by report/chart-svg.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { ARM_PALETTE } from '../../report/charts.js';
import type { RpsBenchDoc } from './doc.js';

/** One chart: id (for SVG ids), title, caption and spec. */
export interface RpsChart {
  id: 'requests' | 'bytes' | 'latency' | 'reset-rate' | 'softirq';
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

const WIDTH = 440;
const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 12, titleFontSize: 12, gridColor: '#e8e8e8', domainColor: '#888' },
  legend: { labelFontSize: 12, orient: 'top' as const, title: null },
};

function xArm(doc: RpsBenchDoc) {
  return { field: 'arm', type: 'nominal' as const, sort: doc.arms.map((a) => a.name), title: null, axis: { labelAngle: 0, labelFontSize: 12 } };
}

function colour(doc: RpsBenchDoc, legend: boolean) {
  const names = doc.arms.map((a) => a.name);
  return { field: 'arm', type: 'nominal' as const, sort: names, legend: legend ? {} : null, scale: { domain: names, range: names.map((_, i) => ARM_PALETTE[i % ARM_PALETTE.length]!) } };
}

/** Mean bar and min-max rule over the clean trials, one dot per clean trial and a cross per disturbed one (scaled by `scale`). */
export function trialSpreadSpec(doc: RpsBenchDoc, pick: 'requestsPerSec' | 'bytesPerSec', title: string, scale = 1): TopLevelSpec {
  const summaries = doc.arms.map((a) => ({ arm: a.name, mean: a[pick].mean / scale, min: a[pick].min / scale, max: a[pick].max / scale }));
  const point = (disturbed: boolean) =>
    doc.arms.flatMap((a) => a.trials.filter((t) => (t.disturbed.length > 0) === disturbed).map((t) => ({ arm: a.name, trial: t.trial, value: t[pick] / scale })));
  const trials = point(false);
  const disturbed = point(true);
  const y = (field: string) => ({ field, type: 'quantitative' as const, title });
  return {
    width: WIDTH, height: 220, config: CONFIG,
    encoding: { x: xArm(doc) },
    layer: [
      { data: { values: summaries }, mark: { type: 'bar', opacity: 0.75 }, encoding: { y: y('mean'), color: colour(doc, false) } },
      { data: { values: summaries }, mark: { type: 'rule', strokeWidth: 2, color: '#222' }, encoding: { y: y('min'), y2: { field: 'max' } } },
      { data: { values: trials }, mark: { type: 'point', filled: true, size: 45, color: '#222' }, encoding: { y: y('value') } },
      ...(disturbed.length
        ? [{ data: { values: disturbed }, mark: { type: 'point' as const, shape: 'cross', filled: true, size: 60, color: '#c62828' }, encoding: { y: y('value') } }]
        : []),
    ],
  };
}

/** p50 and p99 latency per arm (mean over trials), grouped. */
export function latencySpec(doc: RpsBenchDoc): TopLevelSpec {
  const values = doc.arms.flatMap((a) => [
    { arm: a.name, percentile: 'p50', ms: a.latencyMs.p50.mean },
    { arm: a.name, percentile: 'p99', ms: a.latencyMs.p99.mean },
  ]);
  return {
    width: WIDTH, height: 220, config: CONFIG, data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'percentile', type: 'nominal', title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'arm', type: 'nominal', sort: doc.arms.map((a) => a.name) },
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms, mean over trials)' },
      color: colour(doc, true),
    },
  };
}

/** Resets per million requests per arm with the exact 95% interval. */
export function resetRateSpec(doc: RpsBenchDoc): TopLevelSpec {
  const values = doc.arms.map((a) => ({ arm: a.name, perMillion: a.resetRate.perMillion, low: a.resetRate.low, high: a.resetRate.high }));
  const y = (field: string) => ({ field, type: 'quantitative' as const, title: 'resets per million requests' });
  return {
    width: WIDTH, height: 220, config: CONFIG, data: { values },
    encoding: { x: xArm(doc) },
    layer: [
      { mark: { type: 'bar' }, encoding: { y: y('perMillion'), color: colour(doc, false) } },
      { mark: { type: 'rule', strokeWidth: 2, color: '#222' }, encoding: { y: y('low'), y2: { field: 'high' } } },
    ],
  };
}

/** Softirq share of each CPU's time per arm (mean over trials). */
export function softirqSpec(doc: RpsBenchDoc): TopLevelSpec {
  const values = doc.arms.flatMap((a) => a.cpu.map((c) => ({ arm: a.name, cpu: `CPU${c.cpu}`, percent: c.softirqShare * 100 })));
  return {
    width: WIDTH, height: 220, config: CONFIG, data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: xArm(doc),
      xOffset: { field: 'cpu', type: 'nominal' },
      y: { field: 'percent', type: 'quantitative', title: 'softirq % of the CPU (whole machine)' },
      color: { field: 'cpu', type: 'nominal', legend: {}, scale: { range: ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf'] } },
    },
  };
}

/** Every chart of the report, in reading order. */
export function rpsCharts(doc: RpsBenchDoc): RpsChart[] {
  const crosses = doc.arms.some((a) => a.trials.some((t) => t.disturbed.length > 0)) ? ' Red crosses: disturbed trials, left out of every figure.' : '';
  return [
    { id: 'requests', title: 'Requests per second', caption: `Bar: mean over trials; line: min-max; dots: trials.${crosses}`, spec: trialSpreadSpec(doc, 'requestsPerSec', 'requests / s') },
    { id: 'bytes', title: 'Throughput', caption: `MB/s received by the load agent. Bar: mean; line: min-max; dots: trials.${crosses}`, spec: trialSpreadSpec(doc, 'bytesPerSec', 'MB / s', 1e6) },
    { id: 'latency', title: 'Latency', caption: 'p50 and p99 from autocannon, mean over trials.', spec: latencySpec(doc) },
    { id: 'reset-rate', title: 'Reset rate', caption: 'ECONNRESET per million requests, pooled over trials, with the exact 95% interval.', spec: resetRateSpec(doc) },
    { id: 'softirq', title: 'Softirq CPU per core', caption: 'Share of each CPU in softirq during the load (/proc/stat), whole machine.', spec: softirqSpec(doc) },
  ];
}
