/**
 * Renderings of a `ComparisonDoc` (migration.ts): terminal text, Markdown, a standalone HTML
 * page and JUnit XML (one test case per path; a regression is a failure). Changed cells are
 * marked (`*` in text, bold in Markdown, a coloured cell in HTML) and carry their mechanism.
 * Pure: returns text.
 */
import { esc } from './html-parts.js';
import { xmlEscape } from './junit.js';
import type { ComparisonCell, ComparisonDoc } from './migration.js';

const cellText = (c: ComparisonCell) =>
  c.outcome === 'not run' ? 'not run' : `${c.outcome} ${c.resets}/${c.requests}${(c.invalidDropped ?? 0) > 0 ? `, ${c.invalidDropped} dropped` : ''}`;

const title = (d: ComparisonDoc) =>
  `kube-proxy ${d.axis === 'mode' ? 'modes' : 'versions'} ${d.columns.join(' -> ')} on kernel ${d.kernel} (${d.driver} driver)`;

/** Terminal: one line per path, changed cells starred, mechanisms and the recommendation below. */
export function renderComparisonText(d: ComparisonDoc): string {
  const header = ['path', ...d.columns];
  const body = d.rows.map((r) => [r.scenario, ...r.cells.map((c) => `${c.mechanism ? '*' : ' '}${cellText(c)}`)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((l) => (l[i] ?? '').length)));
  const fmt = (l: string[]) => l.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const mechanisms = d.rows.flatMap((r) => r.cells.filter((c) => c.mechanism).map((c) => `  * ${r.scenario} [${c.column}] ${c.mechanism}`));
  return [
    `Comparison: ${title(d)}`,
    '(cells: verdict, resets/requests with liberal=0; * changed from the first column)',
    '',
    fmt(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(fmt),
    '',
    ...(mechanisms.length ? ['Changed:', ...mechanisms, ''] : []),
    d.regressions.length ? `REGRESSION: ${d.regressions.length} path(s) start resetting: ${d.regressions.join('; ')}` : 'No regression.',
    d.recommendation,
    '',
  ].join('\n');
}

/** Markdown: a table (changed cells in bold), then the mechanisms and the recommendation. */
export function renderComparisonMarkdown(d: ComparisonDoc): string {
  const cell = (c: ComparisonCell) => (c.mechanism ? `**${cellText(c)}**` : cellText(c)).replace(/\|/g, '\\|');
  return [
    `# ${title(d)}`,
    '',
    `| path | ${d.columns.join(' | ')} |`,
    `|---|${d.columns.map(() => '---').join('|')}|`,
    ...d.rows.map((r) => `| ${r.scenario} (${r.path}) | ${r.cells.map(cell).join(' | ')} |`),
    '',
    'Cells: verdict, resets/requests with liberal=0 (and INVALID replies dropped); **bold**: changed from the first column.',
    '',
    ...d.rows.flatMap((r) => r.cells.filter((c) => c.mechanism).map((c) => `- **${r.scenario} [${c.column}]** ${c.mechanism}`)),
    '',
    d.regressions.length ? `**Regression:** ${d.regressions.join('; ')}.` : 'No regression.',
    '',
    d.recommendation,
    '',
  ].join('\n');
}

/** A standalone HTML page: the table with changed cells coloured and titled with their mechanism. */
export function renderComparisonHtml(d: ComparisonDoc): string {
  const td = (c: ComparisonCell) => {
    const cls = c.mechanism ? (c.outcome === 'reproduced' ? 'worse' : 'changed') : '';
    const link = c.reportDir ? ` <a href="${esc(c.reportDir)}/report.html">report</a>` : '';
    return `<td class="${cls}"${c.mechanism ? ` title="${esc(c.mechanism)}"` : ''}>${esc(cellText(c))}${link}<div class="dp">${esc(c.dataPlane)}</div></td>`;
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title(d))}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4em .6em;vertical-align:top}
td.worse{background:#f8d0d0}td.changed{background:#fff1c2}.dp{color:#666;font-size:12px}.reg{color:#a00;font-weight:bold}</style></head><body>
<h1>${esc(title(d))}</h1>
<table><tr><th>path</th>${d.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>
${d.rows.map((r) => `<tr><th style="text-align:left">${esc(r.scenario)}<div class="dp">${esc(r.path)}</div></th>${r.cells.map(td).join('')}</tr>`).join('\n')}
</table>
<p>Cells: verdict, resets/requests with liberal=0; coloured: changed from the first column (red: starts resetting).</p>
<ul>${d.rows.flatMap((r) => r.cells.filter((c) => c.mechanism).map((c) => `<li><b>${esc(r.scenario)} [${esc(c.column)}]</b> ${esc(c.mechanism)}</li>`)).join('')}</ul>
<p class="${d.regressions.length ? 'reg' : ''}">${esc(d.regressions.length ? `Regression: ${d.regressions.join('; ')}` : 'No regression.')}</p>
<p>${esc(d.recommendation)}</p>
</body></html>
`;
}

/** JUnit: one test case per path; a path that starts resetting fails with its mechanism. */
export function renderComparisonJUnit(d: ComparisonDoc): string {
  const cases = d.rows.map((r) => {
    const name = `${r.scenario} [${d.columns.join(' -> ')}]`;
    const detail = r.cells.map((c) => `${c.column}: ${cellText(c)}${c.mechanism ? ` (${c.mechanism})` : ''}`).join('\n');
    return r.regression
      ? `  <testcase classname="resetlab.migration" name="${xmlEscape(name)}"><failure message="${xmlEscape(`starts resetting: ${r.cells.map((c) => c.outcome).join(' -> ')}`)}">${xmlEscape(detail)}</failure></testcase>`
      : `  <testcase classname="resetlab.migration" name="${xmlEscape(name)}"><system-out>${xmlEscape(detail)}</system-out></testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${xmlEscape(`resetlab migration ${d.columns.join(' -> ')}`)}" tests="${d.rows.length}" failures="${d.regressions.length}" errors="0">`,
    ...cases,
    '</testsuite>',
    '',
  ].join('\n');
}
