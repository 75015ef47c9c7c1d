import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/reports.js';
import { prefixIds, renderSvg } from './chart-svg.js';
import { ARM_PALETTE, chartSpecs, FUNNEL_STAGES, funnelSpec, latencySpec, niceLogTicks, resetRateSpec, timelineRows } from './charts.js';

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

  it('timeline: ticks of later trials follow the earlier ones', () => {
    const arm = report.arms[0]!;
    const trial = arm.trials[0]!;
    const two = { ...report, arms: [{ ...arm, trials: [trial, { ...trial, trial: 2 }] }] };
    const rows = timelineRows(two);
    const last = trial.ticks[trial.ticks.length - 1]!.second;
    expect(rows).toHaveLength(trial.ticks.length * 2);
    expect(rows[trial.ticks.length]!.t).toBe(last + trial.ticks[0]!.second);
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
