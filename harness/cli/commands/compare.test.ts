import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixturePath, loadFixture, withCounts } from '../../../test/helpers/reports.js';
import { ExitCode, GateError, InputError } from '../../errors.js';
import { compareCommand } from './compare.js';

let tmp: string;
let stdout: string[];
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'rl-test-'));
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(tmp, { recursive: true, force: true });
});

/** Writes the over-window fixture with its fix arm at these counts; returns the file. */
async function run(name: string, fixRequests: number, fixResets: number): Promise<string> {
  const report = loadFixture('ci-over-window');
  report.arms[1] = withCounts(report.arms[1]!, fixRequests, fixResets);
  const file = join(tmp, `${name}.json`);
  await writeFile(file, JSON.stringify(report));
  return file;
}

describe('compareCommand', () => {
  it('prints the comparison and returns when the candidate is not worse', async () => {
    await compareCommand(fixturePath('ci-over-window'), fixturePath('ci-over-window'), {});
    expect(stdout.join('')).toMatch(/^compare: not worse\n/);
  });

  it('throws GateError (exit 3) with a one-line reason when worse, after printing JSON and writing Markdown', async () => {
    const md = join(tmp, 'compare.md');
    const error = await compareCommand(await run('a', 100_000, 0), await run('b', 100_000, 50), { json: true, markdown: md })
      .then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(GateError);
    expect((error as GateError).exitCode).toBe(ExitCode.gateFailed);
    expect((error as GateError).message).toMatch(/^compare: candidate is worse: fix arm liberal=1 resets rose from 0 in 100000 to 50/);
    expect((error as GateError).message).not.toContain('\n');
    const doc = JSON.parse(stdout.join(''));
    expect(doc).toMatchObject({ schema: 'resetlab/compare@1', worse: true });
    expect(await readFile(md, 'utf8')).toContain('**WORSE**');
  });

  it('reports the problems of both arguments in one InputError (exit 2), printing nothing', async () => {
    const bad = join(tmp, 'bad.json');
    await writeFile(bad, JSON.stringify({ schema: 'resetlab/run@1' }));
    const error = await compareCommand(join(tmp, 'missing'), bad, {}).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const files = new Set((error as InputError).problems.map((p) => p.file));
    expect(files).toEqual(new Set([join(tmp, 'missing'), bad]));
    expect(stdout).toEqual([]);
  });
});
