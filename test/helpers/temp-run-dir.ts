/**
 * For unit tests of code that writes owner files: each test gets its own temporary
 * RESETLAB_RUN_DIR (prefix rl-test-), removed afterwards. Call at the top of a test file;
 * read the current directory with the returned function.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';

/** Registers the per-test run directory; returns a getter for it. */
export function useTempRunDir(): () => string {
  let runDir = '';
  beforeEach(() => {
    runDir = mkdtempSync(join(tmpdir(), 'rl-test-'));
    vi.stubEnv('RESETLAB_RUN_DIR', runDir);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(runDir, { recursive: true, force: true });
  });
  return () => runDir;
}
