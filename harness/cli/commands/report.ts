/**
 * `resetlab report <run-dir>`: re-renders summary.md and report.html from a run's result.json
 * (after a resetlab upgrade, or for a result.json copied from CI). Validates first: an invalid
 * result.json is an InputError (exit 2) naming the file and fields, and nothing is written.
 */
import { readRunReport } from '../../report/read.js';
import { writeRenderings } from '../../report/write.js';

/**
 * The `report` command. `runDir` is a run directory (or its result.json); the renderings are
 * written atomically next to result.json, and their paths are printed on stderr.
 */
export async function reportCommand(runDir: string): Promise<void> {
  const { dir, report } = await readRunReport(runDir);
  const written = await writeRenderings(dir, report);
  for (const file of written) process.stderr.write(`resetlab: wrote ${file}\n`);
}
