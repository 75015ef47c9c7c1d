/**
 * Writes a `ProveReport` into its results folder: result.json (first: it is the record),
 * summary.md and report.html, each atomically. The folder is the caller's.
 */
import { join } from 'node:path';
import { writeAtomic } from '../../report/write.js';
import { renderProveHtml } from './prove-html.js';
import type { ProveReport } from './prove-report.js';
import { renderProveMarkdown } from './prove-render.js';

/** Writes the three files; returns their paths. */
export async function writeProve(dir: string, report: ProveReport): Promise<string[]> {
  const files = [join(dir, 'result.json'), join(dir, 'summary.md'), join(dir, 'report.html')];
  await writeAtomic(files[0]!, JSON.stringify(report, null, 2) + '\n');
  await writeAtomic(files[1]!, renderProveMarkdown(report));
  await writeAtomic(files[2]!, renderProveHtml(report));
  return files;
}
