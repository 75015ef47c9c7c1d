/**
 * Writing benchmark results: a fresh directory `<out>/<timestamp>-<name>/` (suffix -2, -3...
 * if taken; never overwrites an earlier run) and atomic files in it.
 */
import { join } from 'node:path';
import { createFreshDir, writeAtomic } from '../report/write.js';

/** Creates `<outDir>/<stamp(startedAt)>-<name>` (or -2, -3, ...) and returns its path. */
export const createBenchDir = createFreshDir;

/** Writes each `[file name, text]` atomically into `dir`, in order; returns the paths. */
export async function writeFiles(dir: string, files: Array<[name: string, text: string]>): Promise<string[]> {
  const paths: string[] = [];
  for (const [name, text] of files) {
    await writeAtomic(join(dir, name), text);
    paths.push(join(dir, name));
  }
  return paths;
}
