/**
 * Writing results: `results/<timestamp>-<scenario>/` with `result.json`, `summary.md` and
 * `report.html`.
 * Every file is written atomically (temporary file in the same directory, then rename), and
 * a run never overwrites an earlier run's directory.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { RunReport } from './schema.js';

/** Writes `text` to `file` atomically: readers see the old file or the new one, never a part. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.rl-tmp-${process.pid}`;
  try {
    await writeFile(tmp, text, { flush: true });
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new Error(`failed to write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Removes temporary files (`*.rl-tmp-<pid>`) that writers killed mid-write left in the run
 * directories under `outDir`, when their pid is gone. Returns the paths removed.
 */
export async function removeStaleTempFiles(outDir: string): Promise<string[]> {
  const removed: string[] = [];
  let runs: string[];
  try {
    runs = await readdir(outDir);
  } catch {
    return removed;
  }
  for (const run of runs) {
    const files = await readdir(join(outDir, run)).catch(() => [] as string[]);
    for (const f of files) {
      const pid = /\.rl-tmp-(\d+)$/.exec(f)?.[1];
      if (pid && !existsSync(`/proc/${pid}`)) {
        await rm(join(outDir, run, f), { force: true });
        removed.push(join(outDir, run, f));
      }
    }
  }
  return removed;
}

/** `2026-11-26T07-03-12Z`: the run's timestamp as a directory-safe string. */
export function stamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/** Creates `<outDir>/<stamp(startedAt)>-<name>` (suffix -2, -3... if taken) and returns it: never an existing directory. */
export async function createFreshDir(outDir: string, startedAt: string, name: string): Promise<string> {
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
  throw new Error(`failed to create a run directory under ${outDir}`);
}

/** Creates a fresh run directory for a report under `outDir` (see createFreshDir). */
export function createRunDir(outDir: string, report: RunReport): Promise<string> {
  return createFreshDir(outDir, report.startedAt, report.scenario.name);
}

/**
 * (Re)writes the renderings of a report in `dir`: summary.md, then report.html (charts drawn
 * in this process, about half a second). Each file atomically; returns the paths written.
 */
export async function writeRenderings(dir: string, report: RunReport): Promise<string[]> {
  const summary = join(dir, 'summary.md');
  const html = join(dir, 'report.html');
  await writeAtomic(summary, renderMarkdown(report));
  await writeAtomic(html, await renderHtml(report));
  return [summary, html];
}

/** Writes result.json (first: it is the record), summary.md and report.html for a report; returns the directory. */
export async function writeRun(outDir: string, report: RunReport): Promise<string> {
  const dir = await createRunDir(outDir, report);
  await writeAtomic(join(dir, 'result.json'), JSON.stringify(report, null, 2) + '\n');
  await writeRenderings(dir, report);
  return dir;
}
