/**
 * `resetlab compare <runA> <runB> [--json] [--markdown FILE]`: baseline A vs candidate B.
 * Each argument is a run directory or a result.json path; both are validated before anything
 * is printed or written (InputError, exit 2). Prints the comparison (text, or exactly one JSON
 * document with --json), optionally writes Markdown to FILE, then throws GateError (exit 3)
 * with a one-line reason when the candidate is worse.
 */
import { GateError, InputError, type InputProblem } from '../../errors.js';
import { compareRuns } from '../../report/compare.js';
import { renderCompareMarkdown, renderCompareText } from '../../report/compare-render.js';
import { readRunReport, type ReadReport } from '../../report/read.js';
import { writeAtomic } from '../../report/write.js';

/** Options of `compare` as commander hands them over. */
export interface CompareFlags {
  json?: boolean;
  /** Also write the comparison as Markdown to this file (atomically). */
  markdown?: string;
}

/** Reads both runs, collecting the problems of both before failing. */
async function readBoth(runA: string, runB: string): Promise<[ReadReport, ReadReport]> {
  const results = await Promise.allSettled([readRunReport(runA), readRunReport(runB)]);
  const problems: InputProblem[] = [];
  for (const r of results) {
    if (r.status === 'rejected') {
      if (!(r.reason instanceof InputError)) throw r.reason;
      problems.push(...r.reason.problems);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return results.map((r) => (r as PromiseFulfilledResult<ReadReport>).value) as [ReadReport, ReadReport];
}

/** The `compare` command. */
export async function compareCommand(runA: string, runB: string, flags: CompareFlags): Promise<void> {
  if (flags.markdown !== undefined && flags.markdown.trim() === '') {
    throw new InputError([{ file: 'flags', field: '--markdown', message: 'must name a file' }]);
  }
  const [a, b] = await readBoth(runA, runB);
  const comparison = compareRuns(a.report, b.report, { baseline: a.file, candidate: b.file });
  process.stdout.write(flags.json ? JSON.stringify(comparison, null, 2) + '\n' : renderCompareText(comparison));
  if (flags.markdown !== undefined) {
    await writeAtomic(flags.markdown, renderCompareMarkdown(comparison));
    process.stderr.write(`resetlab: wrote ${flags.markdown}\n`);
  }
  if (comparison.worse) throw new GateError(`compare: candidate is worse: ${comparison.reasons.join('; ').replace(/\s+/g, ' ')}`);
}
