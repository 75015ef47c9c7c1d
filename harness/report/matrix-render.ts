/**
 * Renderings of the check matrix (pure apart from the SVG renderer): a terminal table, a
 * Markdown table, and an HTML page whose heatmap (vega-lite -> SVG, no network) colours each
 * kernel x scenario x mode cell by verdict, labels it with resets/requests per arm, outlines
 * mismatches, and links to the cell's own report.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartFigures } from './chart-svg.js';
import { esc } from './html-parts.js';
import { OUTCOME_BACKGROUND, REPORT_CSS } from './html-style.js';
import { armsLabel, columnLabel, type MatrixCell, type MatrixDoc } from './matrix.js';

const md = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');

function columns(doc: MatrixDoc): string[] {
  return [...new Set(doc.cells.map(columnLabel))];
}

/** Plain text: one line per cell. */
export function renderMatrixText(doc: MatrixDoc): string {
  const w = Math.max(...doc.cells.map((c) => columnLabel(c).length));
  const kw = Math.max(...doc.cells.map((c) => c.kernel.length), 6);
  const lines = doc.cells.map(
    (c) => `  ${c.unmeasured ? '----' : c.pass ? 'ok  ' : 'FAIL'}  ${c.kernel.padEnd(kw)}  ${columnLabel(c).padEnd(w)}  ${c.unmeasured ? 'no expectation (unmeasured)' : `expected ${c.expected}`}, got ${c.got ?? 'not run'}  [resets/requests ${armsLabel(c)}]`,
  );
  return [`Matrix (${doc.driver}, ${doc.expectations}):`, ...lines, `${doc.passed} passed, ${doc.failed} failed${doc.unmeasured ? `, ${doc.unmeasured} unmeasured (not gated)` : ''}`, ''].join('\n');
}

/** GitHub-flavoured Markdown: kernels as rows, scenario (mode) as columns. */
export function renderMatrixMarkdown(doc: MatrixDoc): string {
  const cols = columns(doc);
  const rows = doc.kernels.map((k) => {
    const cells = cols.map((col) => {
      const c = doc.cells.find((x) => x.kernel === k && columnLabel(x) === col);
      if (!c) return '';
      return `${c.unmeasured ? '➖' : c.pass ? '✅' : '❌'} ${c.got ?? 'not run'}${c.unmeasured ? ' (unmeasured)' : c.pass ? '' : ` (expected ${c.expected})`}<br>${armsLabel(c)}`;
    });
    return `| ${md(k)} | ${cells.map(md).join(' | ')} |`;
  });
  return [
    `## resetlab check matrix (${md(doc.driver)})`,
    '',
    `${doc.passed} passed, ${doc.failed} failed; expectations: \`${doc.expectations}\`. Each cell: verdict, then resets/requests per arm (baseline · fix).`,
    '',
    `| kernel | ${cols.map(md).join(' | ')} |`,
    `|---|${cols.map(() => '---').join('|')}|`,
    ...rows,
    '',
  ].join('\n');
}

/** The heatmap's vega-lite spec (pure). */
export function matrixHeatmapSpec(doc: MatrixDoc): TopLevelSpec {
  const outcomes = Object.keys(OUTCOME_BACKGROUND);
  const values = doc.cells.map((c) => ({
    kernel: c.kernel,
    column: columnLabel(c),
    verdict: c.got ?? 'not run',
    label: armsLabel(c),
    mismatch: c.unmeasured ? 'unmeasured (no expectation)' : c.pass ? 'as expected' : `expected ${c.expected}`,
    differs: !c.unmeasured && !c.pass,
    href: c.reportDir ? `${c.reportDir}/report.html` : '',
  }));
  // Kernels across and scenarios down when there are more scenario columns than kernels (a
  // 23-column row of cells was squeezed to unreadable text in a 1240 px page); else the reverse.
  const scenarioAxis = { field: 'column', type: 'nominal' as const, title: null, sort: columns(doc) };
  const kernelAxis = { field: 'kernel', type: 'nominal' as const, title: 'kernel', sort: doc.kernels };
  const tall = columns(doc).length > doc.kernels.length;
  const x = tall ? { ...kernelAxis, axis: { labelAngle: 0, orient: 'top' as const } } : { ...scenarioAxis, axis: { labelAngle: -30, labelLimit: 260 } };
  const y = tall ? { ...scenarioAxis, axis: { labelLimit: 320 } } : kernelAxis;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    width: { step: 150 },
    height: { step: 56 },
    layer: [
      {
        mark: { type: 'rect', strokeWidth: 4 },
        encoding: {
          x, y,
          color: { field: 'verdict', type: 'nominal', scale: { domain: [...outcomes, 'not run'], range: [...Object.values(OUTCOME_BACKGROUND), '#9e9e9e'] }, legend: { orient: 'top', title: null } },
          // The legend's symbols inherit this encoding and have no `mismatch`: a test that reads it
          // unguarded threw inside vega and left the axes unmeasured (labels clipped off the SVG).
          stroke: { condition: { test: 'datum.differs === true', value: '#ffd600' }, value: null },
          href: { field: 'href', type: 'nominal' },
          tooltip: [{ field: 'verdict' }, { field: 'mismatch' }, { field: 'label', title: 'resets/requests per arm' }],
        },
      },
      { mark: { type: 'text', color: 'white', fontSize: 11, dy: -8 }, encoding: { x, y, text: { field: 'verdict' } } },
      { mark: { type: 'text', color: 'white', fontSize: 11, dy: 8 }, encoding: { x, y, text: { field: 'label' } } },
    ],
    config: { font: 'system-ui, sans-serif', background: 'white', view: { stroke: null } },
  } as TopLevelSpec;
}

/** The kernel as asked for, then the release the run reported when it says more (a host run asks for the release itself). */
export function kernelCell(c: Pick<MatrixCell, 'kernel' | 'release'>): string {
  return `${esc(c.kernel)}${c.release && c.release !== c.kernel ? ` <small>${esc(c.release)}</small>` : ''}`;
}

/** The matrix page: heatmap, then a table with links and explanations. */
export async function renderMatrixHtml(doc: MatrixDoc): Promise<string> {
  const chart = await chartFigures(
    [{ id: 'matrix', title: 'Verdict per kernel × scenario (proxy mode)', caption: 'Colour: verdict; yellow outline: differs from the expectation; text: resets/requests per arm (baseline · fix). Click a cell for its report.', spec: matrixHeatmapSpec(doc) }],
    'matrix',
  );
  const rows = doc.cells
    .map(
      (c) =>
        `<tr><td>${c.unmeasured ? 'unmeasured' : c.pass ? 'ok' : '<b>FAIL</b>'}</td><td class="k">${kernelCell(c)}</td><td>${esc(c.scenario)}</td><td>${esc(c.proxyMode)}</td><td>${esc(c.expected)}</td><td>${esc(c.got ?? 'not run')}</td><td>${esc(armsLabel(c))}</td><td>${c.reportDir ? `<a href="${esc(c.reportDir)}/report.html">report</a>` : ''}</td><td>${esc(c.explanation)}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>resetlab matrix</title><style>${REPORT_CSS}
table.m{border-collapse:collapse;background:#fff;font-size:13px}table.m td,table.m th{border:1px solid #ddd;padding:4px 6px;vertical-align:top}table.m td.k{white-space:nowrap}</style></head><body><main>
<h1>resetlab check matrix</h1><p>Driver <b>${esc(doc.driver)}</b>, expectations <code>${esc(doc.expectations)}</code>, ${esc(doc.createdAt)}: <b>${doc.passed} passed, ${doc.failed} failed</b>.</p>
${chart}
<table class="m"><tr><th></th><th>kernel</th><th>scenario</th><th>mode</th><th>expected</th><th>got</th><th>resets/requests</th><th></th><th>explanation</th></tr>${rows}</table>
</main></body></html>
`;
}
