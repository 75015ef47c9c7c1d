/**
 * Run ownership: before a run creates anything it writes `<runDir>/<prefix>.pid` holding its
 * pid, and removes it last. Leftover detection uses it to tell a crashed run's resources
 * (owner file missing or owner dead) from those of a run still going in another shell.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where owner files live (`RESETLAB_RUN_DIR` overrides; default /run/resetlab). */
export function ownerDir(): string {
  return process.env.RESETLAB_RUN_DIR ?? '/run/resetlab';
}

/** Records this process as the owner of `prefix`; returns the undo (removes the file). */
export function claimPrefix(prefix: string): () => Promise<void> {
  const dir = ownerDir();
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = join(dir, `${prefix}.pid`);
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new Error(`failed to claim run prefix ${prefix}: ${file} exists (another run owns it)`);
  }
  return async () => rmSync(file, { force: true });
}

/** Where owner files are looked for: this process's directory, then the default one. */
function ownerDirs(): string[] {
  return [...new Set([ownerDir(), '/run/resetlab'])];
}

/**
 * The live pid owning `prefix`, or null if nobody alive owns it (a leftover). Looks in the
 * default directory too, so a run using RESETLAB_RUN_DIR is never mistaken for a leftover by
 * a run that does not (or the other way round).
 */
export function liveOwner(prefix: string): number | null {
  for (const dir of ownerDirs()) {
    let pid: number;
    try {
      pid = Number(readFileSync(join(dir, `${prefix}.pid`), 'utf8').trim());
    } catch {
      continue;
    }
    if (Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`)) return pid;
  }
  return null;
}

/** Removes the owner file of a leftover prefix. */
export function releasePrefix(prefix: string): void {
  rmSync(join(ownerDir(), `${prefix}.pid`), { force: true });
}

/** Removes owner files whose pid is dead (a run killed between claiming and creating); returns their prefixes. */
export function removeStaleOwnerFiles(): string[] {
  const dir = ownerDir();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.pid'));
  } catch {
    return [];
  }
  const stale = files.map((f) => f.slice(0, -4)).filter((prefix) => liveOwner(prefix) === null);
  stale.forEach(releasePrefix);
  return stale;
}
