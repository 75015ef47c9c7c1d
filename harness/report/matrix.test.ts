import { describe, expect, it } from 'vitest';
import { modesFor } from '../cli/commands/check.js';
import { buildMatrix, type MatrixInput } from './matrix.js';
import { renderSvg } from './chart-svg.js';
import { kernelCell, matrixHeatmapSpec, renderMatrixHtml, renderMatrixMarkdown, renderMatrixText } from './matrix-render.js';
import type { RunReport } from './schema.js';

const report = (outcome: RunReport['verdict']['outcome'], kernel: string, resets: [number, number]): RunReport =>
  ({
    verdict: { outcome, explanation: `${outcome} because`, baseline: 'liberal=0', fix: 'liberal=1', pValue: null, alpha: 0.01, test: 't' },
    environment: { kernel, proxyMode: 'ipvs', driver: 'vm', vm: { accel: 'tcg' } },
    arms: [
      { name: 'liberal=0', requests: 6088, resets: resets[0], resetRate: { perMillion: 1, low: 0, high: 2 } },
      { name: 'liberal=1', requests: 9695, resets: resets[1], resetRate: { perMillion: 0, low: 0, high: 1 } },
    ],
    elapsedSec: 200.4,
  }) as unknown as RunReport;

const inputs: MatrixInput[] = [
  { kernel: '5.10', scenario: 'over-window', proxyMode: 'ipvs', expected: 'reproduced', report: report('not-reproduced', '5.10.0-32-amd64', [0, 0]), reportDir: '../x-over-window' },
  { kernel: '6.1', scenario: 'over-window', proxyMode: 'ipvs', expected: 'not-reproduced', report: report('not-reproduced', '6.1.0-56-amd64', [0, 0]), reportDir: '../y-over-window' },
  { kernel: '6.1', scenario: 'over-window', proxyMode: 'iptables', expected: 'reproduced', report: null, reportDir: null, error: 'not run (interrupted)' },
];

describe('check matrix', () => {
  const doc = buildMatrix(inputs, { driver: 'vm', expectations: 'e.yaml', createdAt: '2026-11-28T08:00:00Z' });
  it('builds one cell per kernel x scenario x mode with per-arm counts', () => {
    expect(doc.kernels).toEqual(['5.10', '6.1']);
    expect([doc.passed, doc.failed]).toEqual([1, 2]);
    expect(doc.cells[0]).toMatchObject({ release: '5.10.0-32-amd64', pass: false, got: 'not-reproduced', accel: 'tcg', elapsedSec: 200 });
    expect(doc.cells[2]).toMatchObject({ got: null, pass: false, arms: [], explanation: 'not run (interrupted)' });
  });
  it('renders text, Markdown and an HTML heatmap with links', async () => {
    expect(renderMatrixText(doc)).toContain('FAIL  5.10    over-window (ipvs)      expected reproduced, got not-reproduced  [resets/requests 0/6088 · 0/9695]');
    expect(renderMatrixMarkdown(doc)).toContain('| kernel | over-window (ipvs) | over-window (iptables) |');
    const spec = matrixHeatmapSpec(doc) as { data: { values: { href: string }[] } };
    expect(spec.data.values[0]!.href).toBe('../x-over-window/report.html');
    const html = await renderMatrixHtml(doc);
    expect(html).toContain('<svg');
    expect(html).toContain('<a xlink:href="../x-over-window/report.html">'); // the heatmap cell is a link
    expect(html).not.toContain('<p class="chart-error">');
  });
  it('lays the heatmap out so cells stay readable: scenarios down when they outnumber the kernels', async () => {
    type Enc = { layer: { encoding: { x: { field: string }; y: { field: string } } }[] };
    const axes = (d: typeof doc) => { const e = (matrixHeatmapSpec(d) as unknown as Enc).layer[0]!.encoding; return [e.x.field, e.y.field]; };
    const many = buildMatrix(
      ['a', 'b', 'c'].flatMap((scenario) => ['6.1', '6.12'].map((kernel) => ({ kernel, scenario, proxyMode: 'ipvs', expected: 'reproduced', report: report('reproduced', kernel, [9, 0]), reportDir: null }))),
      { driver: 'vm', expectations: 'e.yaml', createdAt: '2026-11-28T08:00:00Z' },
    );
    expect(axes(many)).toEqual(['kernel', 'column']);
    // The axes are laid out inside the SVG: two 150 px kernel columns plus the scenario labels
    // (a failing stroke test inside vega once left them unmeasured, clipped off a 310 px SVG).
    const svg = await renderSvg(matrixHeatmapSpec(many), 't');
    expect(Number(/<svg[^>]* width="(\d+)"/.exec(svg)?.[1])).toBeGreaterThan(2 * 150 + 60);
    const fewer = buildMatrix(
      ['5.10', '6.1', '6.12'].map((kernel) => ({ kernel, scenario: 'a', proxyMode: 'ipvs', expected: 'reproduced', report: report('reproduced', kernel, [9, 0]), reportDir: null })),
      { driver: 'vm', expectations: 'e.yaml', createdAt: '2026-11-28T08:00:00Z' },
    );
    expect(axes(fewer)).toEqual(['column', 'kernel']);
  });
  it('prints each kernel once per row: the release only where it says more than the kernel asked for', async () => {
    const host = buildMatrix(
      [{ kernel: '6.18.44-fc-v1045', scenario: 'over-window', proxyMode: 'iptables', expected: 'reproduced', report: report('reproduced', '6.18.44-fc-v1045', [9, 0]), reportDir: null }],
      { driver: 'netns', expectations: 'e.yaml', createdAt: '2026-12-01T21:00:00Z' },
    );
    const html = await renderMatrixHtml(host);
    const table = html.split('<table class="m">')[1]!;
    expect(table.match(/6\.18\.44-fc-v1045/g)).toHaveLength(1);
    expect(table).toContain('<td class="k">6.18.44-fc-v1045</td>');
    expect(kernelCell({ kernel: '6.1', release: '6.1.0-56-amd64' })).toBe('6.1 <small>6.1.0-56-amd64</small>');
    expect(kernelCell({ kernel: '6.1', release: null })).toBe('6.1');
  });

  it('checks each scenario on the modes its entries name', () => {
    expect(modesFor([{ scenario: 'a', expect: 'reproduced' }], 'a', 'ipvs')).toEqual([]);
    expect(modesFor([{ scenario: 'a', expect: 'reproduced', proxyMode: 'iptables' }, { scenario: 'a', expect: 'not-reproduced' }], 'a', 'ipvs')).toEqual(['ipvs', 'iptables']);
    expect(modesFor([{ scenario: 'a', expect: 'reproduced', proxyMode: 'iptables' }, { scenario: 'a', expect: 'reproduced', proxyMode: 'ipvs' }], 'a', 'ipvs')).toEqual(['iptables', 'ipvs']);
  });
  it('an unmeasured cell is shown but neither passes nor fails the gate', () => {
    const m = buildMatrix(
      [...inputs, { kernel: '6.12', scenario: 'over-window', proxyMode: 'ipvs', expected: 'unmeasured', report: report('not-reproduced', '6.12.118+deb13-amd64', [0, 0]), reportDir: null }],
      { driver: 'vm', expectations: 'e.yaml', createdAt: '2026-11-28T08:00:00Z' },
    );
    expect([m.passed, m.failed, m.unmeasured]).toEqual([1, 2, 1]);
    expect(m.cells[3]).toMatchObject({ unmeasured: true, pass: true, got: 'not-reproduced' });
    expect(renderMatrixText(m)).toContain('----  6.12    over-window (ipvs)      no expectation (unmeasured), got not-reproduced');
    expect(renderMatrixText(m)).toContain('1 passed, 2 failed, 1 unmeasured (not gated)');
    expect(renderMatrixMarkdown(m)).toContain('➖ not-reproduced (unmeasured)');
  });
});
