/**
 * Writing `persist`'s files under a root directory: every target is inspected first, and
 * nothing is written if any target exists with different content (unless `force`); then
 * each file is written atomically (temporary file + rename, directories created). A file
 * that already has the same content is left alone ("already in place").
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ExitCode, ResetlabError } from '../errors.js';
import { writeAtomic } from '../report/write.js';
import { lineDiff } from './line-diff.js';
import type { PersistFile } from './persist.js';

/** A target that exists with different content and `--force` was not given. Exit 2, nothing written. */
export class RefusedError extends ResetlabError {
  override readonly exitCode = ExitCode.invalidInput;
}

/** One target and what is there now. */
export interface PersistTarget {
  file: PersistFile;
  /** Where it is on this machine (`<root>/<path>`). */
  hostPath: string;
  /** Its current content, null when absent. */
  existing: string | null;
  state: 'new' | 'already in place' | 'differs';
}

/** Reads what is at each target now. Read-only. */
export async function inspectTargets(root: string, files: readonly PersistFile[]): Promise<PersistTarget[]> {
  return Promise.all(
    files.map(async (file) => {
      const hostPath = join(root, file.path);
      const existing = await readFile(hostPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw new Error(`failed to read ${hostPath}: ${error.message}`, { cause: error });
      });
      const state = existing === null ? 'new' : existing === file.text ? 'already in place' : 'differs';
      return { file, hostPath, existing, state };
    }),
  );
}

/** `what differs` for a target that differs: a line diff, existing (-) vs resetlab's (+). */
export function describeDifference(t: PersistTarget): string {
  return [`--- ${t.hostPath} (existing)`, '+++ resetlab', ...lineDiff(t.existing ?? '', t.file.text)].join('\n');
}

/**
 * Writes every target that is not already in place; returns one line per target saying
 * what happened. Throws `RefusedError` before writing anything when a target differs and
 * `force` is false. The files written stay (they are the point); nothing to clean up.
 */
export async function applyTargets(targets: readonly PersistTarget[], force: boolean): Promise<string[]> {
  const differing = targets.filter((t) => t.state === 'differs');
  if (differing.length > 0 && !force) {
    throw new RefusedError(
      `failed to write ${differing.map((t) => t.hostPath).join(' and ')}: ${differing.length === 1 ? 'it exists' : 'they exist'} with different content ` +
        `(nothing was written; --force overwrites):\n${differing.map(describeDifference).join('\n')}`,
    );
  }
  const out: string[] = [];
  for (const t of targets) {
    if (t.state === 'already in place') {
      out.push(`already in place: ${t.hostPath}`);
      continue;
    }
    await mkdir(dirname(t.hostPath), { recursive: true });
    await writeAtomic(t.hostPath, t.file.text);
    out.push(t.state === 'differs' ? `overwrote (--force): ${t.hostPath}, which differed:\n${describeDifference(t)}` : `wrote: ${t.hostPath}`);
  }
  return out;
}
