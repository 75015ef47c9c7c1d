/**
 * report.html of the RPS benchmark: one self-contained page (inline CSS and SVG, no scripts,
 * nothing fetched): headline, the table, the significance statements, one chart per metric,
 * notes and the environment. Text from the document is HTML-escaped.
 */
import { chartFigures } from '../../report/chart-svg.js';
import { environmentTable, esc } from '../../report/html-parts.js';
import { REPORT_CSS } from '../../report/html-style.js';
import type { RpsBenchDoc } from './doc.js';
import { rpsCharts } from './charts.js';
import { armRow, NO_COMPARISON, rpsFootnotes, rpsHeadline, RPS_TABLE_HEADER } from './render.js';

function table(doc: RpsBenchDoc): string {
  const head = RPS_TABLE_HEADER.map((h, i) => `<th${i ? ' class="arm"' : ''}>${esc(h)}</th>`).join('');
  const rows = doc.arms.map((a) => `<tr>${armRow(a).map((c, i) => (i ? `<td class="num">${esc(c)}</td>` : `<td><b>${esc(c)}</b></td>`)).join('')}</tr>`);
  return `<table class="compare"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function statements(doc: RpsBenchDoc): string {
  if (!doc.complete) return `<ul class="notes"><li>${esc(NO_COMPARISON.incomplete)}</li></ul>`;
  const items = doc.comparisons.map((c) => `<li${c.significant ? ' class="sig"' : ''}>${esc(c.sentence)}</li>`);
  return `<ul class="notes">${items.length ? items.join('') : `<li>${esc(NO_COMPARISON.oneMask)}</li>`}</ul>`;
}

/** Renders the whole page (a string; the caller writes it). A chart that fails shows its error instead. */
export async function renderRpsHtml(doc: RpsBenchDoc): Promise<string> {
  const notes = [...rpsFootnotes(doc), ...doc.notes];
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`resetlab RPS benchmark: ${doc.settings.masks.join(', ')}`)}</title>`,
    `<style>${REPORT_CSS}li.sig{font-weight:700}</style></head><body>`,
    `<header class="banner" style="background:#263238"><div class="inner"><p class="kicker">resetlab benchmark</p>` +
      `<p class="sentence">${esc(rpsHeadline(doc))}</p></div></header>`,
    '<main>',
    doc.complete ? '' : '<section><h2>INCOMPLETE RUN</h2><p>Interrupted: the numbers are what was measured before it stopped.</p></section>',
    `<section><h2>Per mask</h2><div style="overflow-x:auto">${table(doc)}</div></section>`,
    `<section><h2>Significance</h2>${statements(doc)}</section>`,
    await chartFigures(rpsCharts(doc), 'rps'),
    `<section><h2>How to read this</h2><ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`,
    `<section><h2>Environment</h2>${environmentTable(doc.environment)}</section>`,
    `<footer>${esc(doc.schema)} · from bench.json</footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}
