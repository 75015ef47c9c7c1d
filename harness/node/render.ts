/** Renders a `NodeCheckReport` for the terminal: one line per finding, remedies indented, then the verdict. */
import type { NodeCheckReport } from './check.js';

/** The report as text (ends with a newline). */
export function renderNodeCheck(report: NodeCheckReport): string {
  const width = Math.max(...report.findings.map((f) => f.name.length));
  const lines = [`node check: ${report.target} (${report.key})`, ''];
  for (const f of report.findings) {
    lines.push(`${f.status.padEnd(4)}  ${f.name.padEnd(width)}  ${f.detail}`);
    if (f.remedy) lines.push(`${' '.repeat(width + 8)}remedy: ${f.remedy}`);
  }
  lines.push('', `Verdict: ${report.verdict.text}`);
  return lines.join('\n') + '\n';
}
