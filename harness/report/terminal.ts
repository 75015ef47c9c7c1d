/**
 * The terminal rendering of a report: headline, comparison table (arms as columns, laid out
 * to fit 100 columns: text-table.ts) and the verdict sentence, then how each arm stopped.
 * Colour only when asked (the CLI asks only for a TTY without NO_COLOR). Pure: returns text.
 */
import { fateSentences } from './fates-text.js';
import { comparisonRows, headline, kubeProxyLine, stoppingLines, stoppingSentence } from './rows.js';
import type { RunReport } from './schema.js';
import { renderTextTable } from './text-table.js';

const OUTCOME_COLOUR: Record<string, string> = {
  reproduced: '\u001b[1;31m',
  'not-reproduced': '\u001b[1;32m',
  'not-fixed': '\u001b[1;33m',
  inconclusive: '\u001b[1;35m',
};

/** The widest the comparison table gets (an 80-column terminal wraps only the prose around it, a 100-column one nothing of it). */
export const TABLE_WIDTH = 100;

/** Renders the report for a terminal; `colour` adds ANSI codes to the headline only. */
export function renderTerminal(report: RunReport, options: { colour?: boolean } = {}): string {
  const rows = comparisonRows(report);
  const header = report.arms.map((a) => a.name.replace(/[\r\n]+/g, ' '));
  const table = renderTextTable(
    header,
    rows.map((r, i) => ({ label: r.label, cells: r.cells, ruleBefore: i > 0 && r.group !== rows[i - 1]!.group })),
    { width: TABLE_WIDTH },
  );
  const title = headline(report);
  const coloured = options.colour ? `${OUTCOME_COLOUR[report.verdict.outcome] ?? ''}${title}\u001b[0m` : title;
  const sentence = stoppingSentence(report);
  const kp = kubeProxyLine(report);
  const deprecation = report.environment.kubeProxy?.deprecation;
  return [
    coloured,
    ...(kp ? [kp] : []),
    ...(deprecation ? [`Deprecated: ${deprecation}`] : []),
    '',
    ...table,
    '',
    `Verdict: ${report.verdict.outcome}. ${report.verdict.explanation}`,
    ...fateSentences(report).map((l) => `Fates: ${l}`),
    ...(sentence ? [sentence, ...stoppingLines(report).map((l) => `  ${l}`)] : []),
    ...report.notes.map((n) => `Note: ${n}`),
    '',
  ].join('\n');
}
