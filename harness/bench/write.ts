/**
 * Writing benchmark results: a fresh directory `<out>/<timestamp>-<name>/` (suffix -2, -3...
 * if taken; never overwrites an earlier run) and atomic files in it.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stamp, writeAtomic } from '../report/write.js';

/** Creates `<outDir>/<stamp(startedAt)>-<name>` (or -2, -3, ...) and returns its path. */
export async function createBenchDir(outDir: string, startedAt: string, name: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const base = join(outDir, `${stamp(startedAt)}-${name}`);
  for (let i = 1; i < 1000; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`failed to create a results directory under ${outDir}`);
}

/** Writes each `[file name, text]` atomically into `dir`, in order; returns the paths. */
export async function writeFiles(dir: string, files: Array<[name: string, text: string]>): Promise<string[]> {
  const paths: string[] = [];
  for (const [name, text] of files) {
    await writeAtomic(join(dir, name), text);
    paths.push(join(dir, name));
  }
  return paths;
}
