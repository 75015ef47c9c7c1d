/**
 * A lock file between resetlab processes sharing one kernel cache: `open(path, 'wx')` with the
 * holder's pid inside. A lock whose holder is gone (crash, SIGKILL) is taken over. Waiting
 * polls with a deadline; the holder removes the file when its function settles. Taking over
 * a stale lock can race with a third process; the cache does not rely on the lock alone
 * (installs are renamed into place, the first rename wins).
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { ResetlabError } from '../errors.js';

/** Lock files this process holds (a file naming our pid that is not in here is stale). */
const held = new Set<string>();

/** Options of `withLock`. */
export interface LockOptions {
  /** Give up after this many ms (default 15 min: another process may be downloading). */
  timeoutMs?: number;
  /** Told once when we start waiting for another holder. */
  onWait?: (holderPid: number) => void;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryAcquire(path: string): Promise<number | null> {
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const text = (await readFile(path, 'utf8').catch(() => '')).trim();
    if (text === '') {
      // Just created, pid not written yet: wait, unless it stayed empty (a crash in between).
      const age = Date.now() - ((await stat(path).catch(() => null))?.mtimeMs ?? 0);
      if (age < 5_000) return -1;
    }
    const holder = Number(text);
    if (holder === process.pid && held.has(path)) return holder; // another caller in this process
    if (holder === process.pid || !alive(holder)) {
      // Stale (or half-written by a holder that just started: it retries, and so do we).
      await rm(path, { force: true });
      return -1;
    }
    return holder;
  }
}

/** Runs `fn` while holding the lock file `path`; throws if it cannot be taken within the timeout. */
export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  let told = false;
  for (;;) {
    const holder = await tryAcquire(path);
    if (holder === null) {
      held.add(path);
      break;
    }
    if (holder > 0 && !told) {
      options.onWait?.(holder);
      told = true;
    }
    if (Date.now() > deadline) throw new ResetlabError(`failed to lock ${path}: still held by pid ${holder} after ${options.timeoutMs ?? 15 * 60_000} ms`);
    await new Promise((r) => setTimeout(r, holder > 0 ? 500 : 50));
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
    held.delete(path);
  }
}
