/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) that
 * says the verdict in five seconds — a big banner coloured by outcome — then the comparison
 * table, four charts rendered to SVG at build time, the environment fingerprint and the scenario.
 */
import { chartSpecs } from './charts.js';
import { chartFigures } from './chart-svg.js';
import { comparisonTable, dataPlaneLine, dataPlaneRulesSection, environmentTable, esc, verdictSentence } from './html-parts.js';
import { OUTCOME_BACKGROUND, REPORT_CSS } from './html-style.js';
import type { RunReport } from './schema.js';
import { formatP } from '../verdict/index.js';
import { fateSentences } from './fates-text.js';
import { stoppingDetail, stoppingSentence } from './rows.js';

function banner(report: RunReport): string {
  const env = report.environment;
  const v = report.verdict;
  const emulated = env.proxyMode !== 'ipvs';
  const facts = [
    `scenario <b>${esc(report.scenario.name)}</b>`,
    `kernel <b>${esc(env.kernel)}</b>`,
    `${emulated ? '' : 'data plane '}<b>${esc(dataPlaneLine(env))}</b>`,
    `${esc(env.driver)} lab`,
    `${esc(report.arms.map((a) => a.name).join(' vs '))}`,
    `${esc(report.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}`,
  ].map((f, i) => `<li${i === 2 && emulated ? ' class="warn"' : ''}>${f}</li>`);
  const incomplete = report.complete ? '' :
    '<div class="incomplete"><span>INCOMPLETE RUN<small>interrupted or failed part-way: the numbers are what was measured before it stopped</small></span></div>';
  return `${incomplete}<header class="banner" style="background:${OUTCOME_BACKGROUND[v.outcome]}"><div class="inner">` +
    `<p class="kicker">resetlab verdict</p>` +
    `<div class="outcome">${esc(v.outcome.toUpperCase())}</div>` +
    `<p class="sentence">${esc(verdictSentence(report))}</p>` +
    `<ul class="facts">${facts.join('')}</ul></div></header>`;
}

function verdictSection(report: RunReport): string {
  const v = report.verdict;
  const p = v.pValue === null ? 'not computed' : formatP(v.pValue);
  return `<section><h2>Verdict: ${esc(v.outcome)}</h2><p class="explanation">${esc(v.explanation)}</p>` +
    `<p class="muted">Baseline ${esc(v.baseline)}, fix ${esc(v.fix)}. Test: ${esc(v.test)}; one-sided p ${esc(p)} at alpha ${esc(v.alpha)}.` +
    `${v.moreTrafficFactor ? ` About ${esc(v.moreTrafficFactor)}x more traffic would likely decide.` : ''}</p>` +
    fateSentences(report).map((l) => `<p class="fates">${esc(l)}</p>`).join('') +
    stoppingHtml(report) +
    `</section>`;
}

/** How the arms stopped: the sentence, then per arm why, when and the e-values at that point. */
function stoppingHtml(report: RunReport): string {
  const sentence = stoppingSentence(report);
  if (!sentence) return '';
  const items = report.arms
    .filter((a) => a.stopping)
    .map((a) => {
      const e = a.stopping!.evidence;
      const ev = e ? ` — at the stop: ${Object.entries(e).map(([k, x]) => `${k} ${formatP(x) === '< 1e-12' ? x.toExponential(2) : Number(x.toPrecision(3))}`).join(', ')}` : '';
      return `<li><b>${esc(a.name)}</b>: ${esc(stoppingDetail(a))}${esc(ev)}</li>`;
    });
  return `<p class="muted">${esc(sentence)}</p><ul class="stopping">${items.join('')}</ul>`;
}

function scenarioSection(report: RunReport): string {
  const { name, description, source, ...settings } = report.scenario;
  return `<section><h2>Scenario ${esc(name)}</h2>` +
    (description ? `<p>${esc(description)}</p>` : '') +
    `<p class="muted">from ${esc(source)}; ${report.complete ? 'complete' : 'INCOMPLETE'} run, ` +
    `${esc(report.startedAt)} to ${esc(report.finishedAt)} (${esc(report.elapsedSec.toFixed(1))} s to verdict)</p>` +
    `<pre>${esc(JSON.stringify(settings, null, 2))}</pre></section>`;
}

/**
 * Renders the report as one self-contained HTML document (a string; the caller writes it).
 * Charts are drawn with vega in this process; a chart that fails to render is replaced by its
 * error message rather than failing the page. Text from the report is HTML-escaped.
 */
export async function renderHtml(report: RunReport): Promise<string> {
  const title = `resetlab: ${report.scenario.name} — ${report.verdict.outcome.toUpperCase()}${report.complete ? '' : ' (INCOMPLETE RUN)'}`;
  const notes = report.notes.length
    ? `<section><h2>Notes</h2><ul class="notes">${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>` : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="resetlab ${esc(report.environment.resetlabVersion)}">`,
    `<title>${esc(title)}</title><style>${REPORT_CSS}</style></head><body>`,
    banner(report),
    '<main>',
    verdictSection(report),
    notes,
    `<section><h2>Arms compared</h2>${comparisonTable(report)}</section>`,
    await chartFigures(chartSpecs(report), 'rl'),
    `<section><h2>Environment</h2>${environmentTable(report.environment)}</section>`,
    dataPlaneRulesSection(report),
    scenarioSection(report),
    `<footer>${esc(report.schema)} · rendered by resetlab ${esc(report.environment.resetlabVersion)} from result.json</footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}
