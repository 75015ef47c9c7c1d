/**
 * The terminal rendering of a report: headline, comparison table (arms as columns) and the
 * verdict sentence. Colour only when asked (the CLI asks only for a TTY without NO_COLOR).
 * Pure: returns text.
 */
import { comparisonRows, headline, stoppingSentence } from './rows.js';
import type { RunReport } from './schema.js';

const OUTCOME_COLOUR: Record<string, string> = {
  reproduced: '\u001b[1;31m',
  'not-reproduced': '\u001b[1;32m',
  'not-fixed': '\u001b[1;33m',
  inconclusive: '\u001b[1;35m',
};

/** Renders the report for a terminal; `colour` adds ANSI codes to the headline only. */
export function renderTerminal(report: RunReport, options: { colour?: boolean } = {}): string {
  const rows = comparisonRows(report);
  const header = ['', ...report.arms.map((a) => a.name.replace(/[\r\n]+/g, ' '))];
  const table = [header, ...rows.map((r) => [r.label, ...r.cells])];
  const widths = header.map((_, i) => Math.max(...table.map((line) => (line[i] ?? '').length)));
  const fmt = (line: string[]) => line.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const lines = [fmt(header), rule];
  let group = rows[0]?.group;
  for (const r of rows) {
    if (r.group !== group) lines.push(rule);
    group = r.group;
    lines.push(fmt([r.label, ...r.cells]));
  }
  const title = headline(report);
  const coloured = options.colour ? `${OUTCOME_COLOUR[report.verdict.outcome] ?? ''}${title}\u001b[0m` : title;
  return [
    coloured,
    '',
    ...lines,
    '',
    `Verdict: ${report.verdict.outcome}. ${report.verdict.explanation}`,
    ...[stoppingSentence(report)].filter((l): l is string => l !== null),
    ...report.notes.map((n) => `Note: ${n}`),
    '',
  ].join('\n');
}
