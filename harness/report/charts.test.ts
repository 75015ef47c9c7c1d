import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/reports.js';
import { prefixIds, renderSvg } from './chart-svg.js';
import { ARM_PALETTE, chartSpecs, FUNNEL_STAGES, funnelSpec, latencySpec, niceLogTicks, resetRateSpec, timelineSpec } from './charts.js';

type Values = Array<Record<string, unknown>>;
const valuesOf = (spec: object): Values => (spec as { data: { values: Values } }).data.values;

describe('chart specs', () => {
  const report = loadFixture('ci-over-window');

  it('has the four charts in reading order, each with inline data only', () => {
    const charts = chartSpecs(report);
    expect(charts.map((c) => c.id)).toEqual(['reset-rate', 'funnel', 'timeline', 'latency']);
    for (const c of charts) {
      expect(JSON.stringify(c.spec)).not.toMatch(/"url"\s*:/);
      expect(valuesOf(c.spec).length).toBeGreaterThan(0);
    }
  });

  it('reset rate: one row per arm with the report rate and interval', () => {
    const rows = valuesOf(resetRateSpec(report));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ arm: 'liberal=0', perMillion: report.arms[0]!.resetRate.perMillion,
      low: report.arms[0]!.resetRate.low, high: report.arms[0]!.resetRate.high });
    expect(rows[1]).toMatchObject({ arm: 'liberal=1', perMillion: 0, low: 0 });
  });

  it('funnel: every stage for every arm, ECONNRESET from the arm resets', () => {
    const rows = valuesOf(funnelSpec(report));
    expect(rows).toHaveLength(FUNNEL_STAGES.length * 2);
    expect(rows).toContainEqual({ arm: 'liberal=0', stage: 'conntrack INVALID', count: 982 });
    expect(rows).toContainEqual({ arm: 'liberal=0', stage: 'ECONNRESET (client)', count: 398 });
    expect(rows).toContainEqual({ arm: 'liberal=1', stage: 'leaked un-NATed', count: 0 });
  });

  it('timeline: per-second ticks of a report without samples, later trials after the earlier ones', () => {
    const arm = report.arms[0]!;
    const trial = arm.trials[0]!;
    const two = { ...report, arms: [{ ...arm, trials: [trial, { ...trial, trial: 2 }] }] };
    const rows = valuesOf(timelineSpec(two));
    const last = trial.ticks[trial.ticks.length - 1]!.second;
    expect(rows).toHaveLength(trial.ticks.length * 2);
    expect(rows[trial.ticks.length]).toMatchObject({ start: last, end: last + 1, requests: trial.ticks[0]!.requests });
    expect(JSON.stringify(timelineSpec(two))).toContain('seconds of load in the arm (trials in sequence)');
    expect(chartSpecs(two).find((c) => c.id === 'timeline')!.caption).toContain('1 s bins (per-second ticks: this report has no finer samples)');
  });

  it('timeline of an early-stopped run: 0.2 s bins, a dashed rule and a label per decision, axis in seconds', () => {
    const early = loadFixture('ci-early-stopped');
    type Layer = { data?: { values: Array<Record<string, unknown>> }; mark: { type: string; strokeDash?: number[] }; encoding: { x: { title: string; axis: { values: number[]; format: string } } } };
    const spec = timelineSpec(early) as unknown as { vconcat: Array<{ layer: Layer[] }> };
    const [top, bottom] = spec.vconcat;
    const rules = (l: Layer[]) => l.filter((x) => x.mark.type === 'rule');
    expect(rules(top!.layer)[0]!.data!.values.map((d) => d.t)).toEqual([8.632, 4.447]);
    expect(rules(bottom!.layer)).toHaveLength(1);
    expect(top!.layer.filter((x) => x.mark.type === 'text').flatMap((x) => x.data!.values.map((d) => d.label)))
      .toEqual(['liberal=0 decided at 8.6 s', 'liberal=0 decided at 8.6 s', 'liberal=1 decided at 4.4 s', 'liberal=1 decided at 4.4 s']);
    const x = top!.layer[0]!.encoding.x;
    expect(x.axis.values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(x.title).toBe('seconds of load in the arm');
    expect(valuesOf(spec).length).toBeGreaterThan(40);
    expect(chartSpecs(early).find((c) => c.id === 'timeline')!.caption).toBe(
      "Per second of load, in 0.2 s bins (the stopping check's period), counted by the load agent; a dashed line marks where an arm was decided.");
  });

  it('four arms: bar labels go on two lines and latency labels upright, so they do not overlap', () => {
    const four = loadFixture('ci-four-arms');
    expect(valuesOf(resetRateSpec(four))[0]!.label).toEqual(['29104', '(64 in 2199)']);
    expect(valuesOf(resetRateSpec(report))[0]!.label).toMatch(/per million \(\d+ in \d+\)$/);
    const text = (spec: object) => (spec as { layer: Array<{ mark: { type: string; angle?: number } }> }).layer.find((l) => l.mark.type === 'text')!.mark;
    expect(text(latencySpec(four)).angle).toBe(270);
    expect(text(latencySpec(report)).angle).toBeUndefined();
  });

  it('latency: four percentiles per arm; symlog ticks reach the maximum', () => {
    expect(valuesOf(latencySpec(report))).toHaveLength(8);
    expect(niceLogTicks(137)).toEqual([0, 1, 2, 5, 10, 20, 50, 100, 200]);
    expect(niceLogTicks(1)).toEqual([0, 1]);
  });

  it('gives each arm its palette colour in run order', () => {
    const colour = (resetRateSpec(report) as unknown as { layer: Array<{ encoding: { color?: { scale: { range: string[] } } } }> })
      .layer[0]!.encoding.color!.scale.range;
    expect(colour).toEqual(ARM_PALETTE.slice(0, 2));
  });
});

describe('renderSvg', () => {
  it('renders every chart of a four-arm run without an error', { timeout: 60_000 }, async () => {
    for (const c of chartSpecs(loadFixture('ci-four-arms'))) expect((await renderSvg(c.spec, `t-${c.id}`)).startsWith('<svg')).toBe(true);
  });

  it('renders a spec to SVG in Node and prefixes its ids', { timeout: 30_000 }, async () => {
    const svg = await renderSvg(resetRateSpec(loadFixture('ci-over-window')), 'rl-x');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('liberal=0');
    expect(svg).not.toMatch(/\sid="(?!rl-x-)/);
  });

  it('prefixIds renames ids and their url(#) and href references only', () => {
    const svg = '<svg><clipPath id="clip1"/><g clip-path="url(#clip1)"/><use href="#clip1"/><a href="#other"/></svg>';
    expect(prefixIds(svg, 'p')).toBe('<svg><clipPath id="p-clip1"/><g clip-path="url(#p-clip1)"/><use href="#p-clip1"/><a href="#other"/></svg>');
  });
});
