/**
 * Reading a written run back: `<run-dir>/result.json` (or the file itself), validated against
 * the `RunReport` schema. Every problem becomes an `InputError` (exit 2) naming the file and
 * the fields, so `report` and `compare` refuse bad input before writing anything.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { RunReport } from './schema.js';

/** A report read from disk: the file it came from, its run directory, and the parsed report. */
export interface ReadReport {
  file: string;
  dir: string;
  report: RunReport;
}

/** Resolves a run directory or a result.json path to the JSON file; throws InputError if neither exists. */
export async function resultFile(pathOrDir: string): Promise<string> {
  const info = await stat(pathOrDir).catch(() => null);
  if (info === null) throw new InputError([{ file: pathOrDir, field: '', message: 'no such file or directory' }]);
  return info.isDirectory() ? join(pathOrDir, 'result.json') : pathOrDir;
}

/** Reads and validates a run's result; throws InputError (exit 2) listing every problem. */
export async function readRunReport(pathOrDir: string): Promise<ReadReport> {
  const file = await resultFile(pathOrDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError([{ file, field: '', message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError([{ file, field: '', message: `not valid JSON: ${(error as Error).message}` }]);
  }
  if (raw !== null && typeof raw === 'object' && (raw as { schema?: unknown }).schema === 'resetlab/runs@1') {
    throw new InputError([{ file, field: 'schema', message: 'holds several runs (resetlab/runs@1); pass one run directory or result.json' }]);
  }
  const parsed = RunReport.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(parsed.error.issues.map((issue) => ({
      file, field: issue.path.map(String).join('.'), message: `${issue.message} (not a valid resetlab/run@1 report)`,
    })));
  }
  return { file, dir: dirname(file), report: parsed.data };
}
