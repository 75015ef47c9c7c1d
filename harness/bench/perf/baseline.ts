/**
 * The stored baseline (bench/baseline.json): figures of a previous commit's run that a new run
 * is compared with. Reading and writing are the only I/O; the comparison is pure. To update it,
 * run `npm run bench -- --write-baseline` on the project's machine and commit the file.
 */
import { readFile } from 'node:fs/promises';
import { writeAtomic } from '../../report/write.js';
import type { BaselineComparison, BaselineFigures, BaselineFile, HarnessBenchDoc } from './doc.js';

/** How to update the baseline, also written into the file. */
export const HOW_TO_UPDATE_BASELINE =
  'Run `npm run bench -- --write-baseline` (as root, on a quiet machine of the project\'s kind) and commit bench/baseline.json with the change it measures.';

const NAMES: ReadonlyArray<keyof BaselineFigures> = ['labProvisionSec', 'labTeardownSec', 'reproduceTimeToVerdictSec', 'loadAgentPeakRssMiB'];

/** Current / baseline per figure (null where either side is missing or the baseline is 0). */
export function compareWithBaseline(current: BaselineFigures, baseline: BaselineFigures): BaselineComparison[] {
  return NAMES.map((name) => {
    const c = current[name];
    const b = baseline[name];
    return { name, current: c, baseline: b, ratio: c !== null && b !== null && b > 0 ? c / b : null };
  });
}

/** Reads a baseline file; null when it does not exist. Throws on a file that is not a baseline. */
export async function readBaseline(file: string): Promise<BaselineFile | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const doc = JSON.parse(text) as BaselineFile;
  if (doc.schema !== 'resetlab/bench-baseline@1' || typeof doc.figures !== 'object') throw new Error(`failed to read ${file}: not a resetlab/bench-baseline@1 file`);
  return doc;
}

/** The baseline file for a finished run. */
export function baselineFrom(doc: HarnessBenchDoc): BaselineFile {
  return {
    schema: 'resetlab/bench-baseline@1',
    commit: doc.environment.gitCommit,
    createdAt: doc.finishedAt,
    machine: { kernel: doc.environment.kernel, cpus: doc.environment.cpus },
    figures: doc.figures,
    howToUpdate: HOW_TO_UPDATE_BASELINE,
  };
}

/** Writes the baseline atomically. */
export async function writeBaseline(file: string, baseline: BaselineFile): Promise<void> {
  await writeAtomic(file, JSON.stringify(baseline, null, 2) + '\n');
}
