/**
 * Results are never lost: a process SIGKILLed while rewriting a result file leaves either
 * the previous complete file or the new complete one, never a torn one.
 */
import { execa } from 'execa';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';

const WRITER = `
import { writeAtomic } from ${JSON.stringify(join(REPO_ROOT, 'dist/harness/report/write.js'))};
const file = process.argv[1];
const big = 'x'.repeat(4 * 1024 * 1024);
for (let v = 1; ; v++) await writeAtomic(file, JSON.stringify({ version: v, big }));
`;

describe('atomic result writes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rl-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('SIGKILL during rewriting never leaves a torn file (20 kills at random moments)', async () => {
    const file = join(dir, 'result.json');
    let versionsSeen = 0;
    for (let i = 0; i < 20; i++) {
      const child = execa('node', ['--input-type=module', '-e', WRITER, file], { reject: false });
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 300));
      child.kill('SIGKILL');
      await child;
      const text = await readFile(file, 'utf8').catch(() => null);
      if (text === null) continue; // killed before the very first rename: no file, nothing torn
      const doc = JSON.parse(text) as { version: number; big: string };
      expect(doc.big).toHaveLength(4 * 1024 * 1024);
      versionsSeen += 1;
    }
    expect(versionsSeen).toBeGreaterThan(10);
    // Temporary files of killed writers are named after them; nothing else is left in the directory.
    expect((await readdir(dir)).filter((f) => f !== 'result.json' && !f.includes('.rl-tmp-'))).toEqual([]);
  });
});
