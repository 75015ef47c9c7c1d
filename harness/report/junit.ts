/**
 * JUnit XML for `resetlab check`, the format CI systems (GitHub Actions reporters, GitLab,
 * Jenkins) read: one `<testcase>` per scenario; a verdict other than the expected one is a
 * `<failure>`, a run that failed to produce a verdict is an `<error>`. Pure: returns text.
 */
import { renderTerminal } from './terminal.js';
import type { RunReport } from './schema.js';

/** One scenario checked: its expected outcome and the report (null when the run failed). */
export interface CheckCase {
  scenario: string;
  expected: string;
  report: RunReport | null;
  /** Why the run failed (an `<error>`); takes precedence over the report. */
  error?: string;
}

/** Escapes text for XML content and attribute values; drops characters XML 1.0 cannot carry. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;');
}

/** Escapes text for element content, keeping line breaks readable. */
function xmlText(text: string): string {
  return xmlEscape(text).replace(/&#10;/g, '\n').replace(/&#13;/g, '');
}

const seconds = (n: number) => (Number.isFinite(n) && n > 0 ? n.toFixed(3) : '0.000');

/**
 * The `expected` of a case no expectation entry covers (nobody measured that scenario on that
 * kernel and mode): it ran and is shown, but never gated (JUnit: skipped, with what it gave).
 */
export const UNMEASURED = 'unmeasured';

function testcase(c: CheckCase): { xml: string; failed: boolean; errored: boolean; skipped: boolean; time: number } {
  const time = c.report?.elapsedSec ?? 0;
  const open = `    <testcase classname="resetlab" name="${xmlEscape(c.scenario)}" time="${seconds(time)}"`;
  const out = c.report ? `\n      <system-out>${xmlText(renderTerminal(c.report))}</system-out>` : '';
  if (c.error !== undefined || c.report === null) {
    const message = c.error ?? 'the run produced no result';
    return { xml: `${open}>\n      <error message="${xmlEscape(message)}" type="run-error">${xmlText(message)}</error>${out}\n    </testcase>`,
      failed: false, errored: true, skipped: false, time };
  }
  const got = c.report.verdict.outcome;
  if (c.expected === UNMEASURED) {
    const message = `no expectation for this kernel and mode (unmeasured): it gave ${got}`;
    return { xml: `${open}>\n      <skipped message="${xmlEscape(message)}"/>${out}\n    </testcase>`, failed: false, errored: false, skipped: true, time };
  }
  if (got !== c.expected) {
    const message = `expected ${c.expected}, got ${got}: ${c.report.verdict.explanation}`;
    return { xml: `${open}>\n      <failure message="${xmlEscape(message)}" type="verdict">${xmlText(message)}</failure>${out}\n    </testcase>`,
      failed: true, errored: false, skipped: false, time };
  }
  return { xml: `${open}>${out}\n    </testcase>`, failed: false, errored: false, skipped: false, time };
}

/**
 * Renders the check results as a JUnit XML document (`<testsuites>` with one `<testsuite>`):
 * classname "resetlab", name = scenario, time = the run's elapsedSec; the terminal rendering
 * of each report goes to `<system-out>`. All text is XML-escaped.
 */
export function renderJUnit(cases: CheckCase[], suiteName = 'resetlab check'): string {
  const rendered = cases.map(testcase);
  const failures = rendered.filter((r) => r.failed).length;
  const errors = rendered.filter((r) => r.errored).length;
  const skipped = rendered.filter((r) => r.skipped).length;
  const time = seconds(rendered.reduce((sum, r) => sum + r.time, 0));
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(suiteName)}" ${counts} time="${time}">`,
    `  <testsuite name="${xmlEscape(suiteName)}" ${counts} time="${time}">`,
    ...rendered.map((r) => r.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
