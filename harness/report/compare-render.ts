/**
 * Text and Markdown renderings of a `Comparison` (compare.ts): the result line first, then
 * the verdict change, the arms side by side with p-values, and what differs between the runs.
 * Pure: returns text.
 */
import { formatP, formatRate } from '../verdict/index.js';
import type { ArmComparison, ArmRates, Comparison, Difference } from './compare.js';

const rateCell = (r: ArmRates) => `${formatRate(r.perMillion)} [${formatRate(r.low)}-${formatRate(r.high)}] (${r.resets}/${r.requests})`;
const path = (d: Difference) => d.path.join(' / ');
const value = (v: string | null) => (v === null ? '(absent)' : v);

function armRows(c: Comparison): Array<{ arm: string; base: string; cand: string; p2: string; pw: string }> {
  const row = (x: ArmComparison, fix: boolean) => ({
    arm: (x.baselineArm === x.candidateArm ? x.candidateArm : `${x.baselineArm} -> ${x.candidateArm}`) + (fix ? ' (fix)' : ''),
    base: rateCell(x.baseline), cand: rateCell(x.candidate), p2: formatP(x.pTwoSided), pw: formatP(x.pCandidateWorse),
  });
  const fix = c.fixArm;
  const rows = c.arms.map((x) => row(x, fix !== null && x.candidateArm === fix.candidateArm && x.baselineArm === fix.baselineArm));
  if (fix && !c.arms.some((x) => x.candidateArm === fix.candidateArm && x.baselineArm === fix.baselineArm)) rows.push(row(fix, true));
  return rows;
}

/** The p columns' names: anytime-valid (from e-values) unless both runs were fixed-duration. */
function pHeaders(c: Comparison): { p2: string; pw: string } {
  return c.method === 'exact' ? { p2: 'p two-sided', pw: 'p candidate worse' } : { p2: 'p two-sided (anytime)', pw: 'p candidate worse (anytime)' };
}

/** One line: "WORSE: ..." or "not worse". */
export function compareResultLine(c: Comparison): string {
  return c.worse ? `WORSE: ${c.reasons.join('; ')}` : `not worse (fix arm not significantly higher at alpha ${c.alpha}; verdict ${c.verdictChanged ? 'changed but not to not-fixed' : 'unchanged'})`;
}

function verdictLine(c: Comparison): string {
  return `${c.baseline.outcome} -> ${c.candidate.outcome}${c.verdictChanged ? '' : ' (unchanged)'}`;
}

/** Plain-text comparison for a terminal. */
export function renderCompareText(c: Comparison): string {
  const rows = armRows(c);
  const header = { arm: 'arm', base: 'baseline per million [95% CI] (resets/requests)', cand: 'candidate', ...pHeaders(c) };
  const all = [header, ...rows];
  const keys = ['arm', 'base', 'cand', 'p2', 'pw'] as const;
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  const fmt = (r: (typeof all)[number]) => keys.map((k, i) => (i === 0 ? r[k].padEnd(widths[i]!) : r[k].padStart(widths[i]!))).join('  ');
  return [
    `compare: ${c.worse ? 'WORSE' : 'not worse'}`,
    `  baseline  ${c.baseline.label}: ${c.baseline.scenario}, ${c.baseline.outcome}, ${c.baseline.startedAt}${c.baseline.complete ? '' : ' (incomplete)'}`,
    `  candidate ${c.candidate.label}: ${c.candidate.scenario}, ${c.candidate.outcome}, ${c.candidate.startedAt}${c.candidate.complete ? '' : ' (incomplete)'}`,
    '',
    `verdict: ${verdictLine(c)}`,
    '',
    fmt(header),
    ...rows.map(fmt),
    ...(c.unmatched.baselineOnly.length ? [`only in baseline: ${c.unmatched.baselineOnly.join(', ')}`] : []),
    ...(c.unmatched.candidateOnly.length ? [`only in candidate: ${c.unmatched.candidateOnly.join(', ')}`] : []),
    '',
    c.differences.length ? `differences (${c.differences.length}):` : 'fingerprints identical',
    ...c.differences.map((d) => `  ${path(d)}: ${value(d.baseline)} -> ${value(d.candidate)}`),
    ...c.notes.map((n) => `note: ${n}`),
    '',
    `result: ${compareResultLine(c)}`,
    '',
  ].join('\n');
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/</g, '&lt;');

/** GitHub-flavoured Markdown comparison, for a PR comment or a job summary. */
export function renderCompareMarkdown(c: Comparison): string {
  const rows = armRows(c);
  return [
    `## resetlab compare: ${c.worse ? '**WORSE**' : 'not worse'}`,
    '',
    `| | baseline (${md(c.baseline.label)}) | candidate (${md(c.candidate.label)}) |`,
    '|---|---|---|',
    `| scenario | ${md(c.baseline.scenario)} | ${md(c.candidate.scenario)} |`,
    `| verdict | \`${c.baseline.outcome}\` | \`${c.candidate.outcome}\` |`,
    `| started | ${md(c.baseline.startedAt)} | ${md(c.candidate.startedAt)} |`,
    `| complete | ${c.baseline.complete} | ${c.candidate.complete} |`,
    '',
    `| arm | baseline per million [95% CI] (resets/requests) | candidate | ${pHeaders(c).p2} | ${pHeaders(c).pw} |`,
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${md(r.arm)} | ${r.base} | ${r.cand} | ${r.p2} | ${r.pw} |`),
    ...(c.unmatched.baselineOnly.length ? ['', `Only in baseline: ${md(c.unmatched.baselineOnly.join(', '))}`] : []),
    ...(c.unmatched.candidateOnly.length ? ['', `Only in candidate: ${md(c.unmatched.candidateOnly.join(', '))}`] : []),
    '',
    ...(c.differences.length
      ? [`<details><summary>What differs (${c.differences.length})</summary>`, '', '| field | baseline | candidate |', '|---|---|---|',
        ...c.differences.map((d) => `| ${md(path(d))} | ${md(value(d.baseline))} | ${md(value(d.candidate))} |`), '', '</details>']
      : ['Fingerprints identical.']),
    ...c.notes.map((n) => `> Note: ${md(n)}`),
    '',
    `**Result:** ${md(compareResultLine(c))}`,
    '',
  ].join('\n');
}
