import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixturePath } from '../../../test/helpers/reports.js';
import { ExitCode, InputError } from '../../errors.js';
import { renderMarkdown } from '../../report/markdown.js';
import { RunReport } from '../../report/schema.js';
import { reportCommand } from './report.js';

let tmp: string;
let stderr: string[];
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'rl-test-'));
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(tmp, { recursive: true, force: true });
});

async function runDir(): Promise<string> {
  const dir = join(tmp, '2026-11-26T06-58-44Z-over-window');
  await mkdir(dir);
  await copyFile(fixturePath('ci-over-window'), join(dir, 'result.json'));
  return dir;
}

describe('reportCommand', { timeout: 30_000 }, () => {
  it('re-renders summary.md and report.html next to result.json and names them on stderr', async () => {
    const dir = await runDir();
    await writeFile(join(dir, 'summary.md'), 'stale\n');
    await reportCommand(dir);
    expect((await readdir(dir)).sort()).toEqual(['report.html', 'result.json', 'summary.md']);
    const report = RunReport.parse(JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')));
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toBe(renderMarkdown(report));
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('REPRODUCED');
    expect(stderr.join('')).toBe(`resetlab: wrote ${join(dir, 'summary.md')}\nresetlab: wrote ${join(dir, 'report.html')}\n`);
  });

  it('accepts the result.json path itself', async () => {
    const dir = await runDir();
    await reportCommand(join(dir, 'result.json'));
    expect((await readdir(dir)).sort()).toEqual(['report.html', 'result.json', 'summary.md']);
  });

  it('refuses an invalid result.json with an InputError naming the file and fields, writing nothing', async () => {
    const dir = await runDir();
    const file = join(dir, 'result.json');
    const raw = JSON.parse(await readFile(file, 'utf8'));
    delete raw.verdict;
    raw.arms[0].requests = -1;
    await writeFile(file, JSON.stringify(raw));
    const error = await reportCommand(dir).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(ExitCode.invalidInput);
    expect((error as InputError).problems.map((p) => `${p.file}: ${p.field}`)).toEqual([`${file}: arms.0.requests`, `${file}: verdict`]);
    expect(await readdir(dir)).toEqual(['result.json']);
  });

  it('refuses a missing directory and a file that is not JSON', async () => {
    await expect(reportCommand(join(tmp, 'nope'))).rejects.toThrow(/nope: no such file or directory/);
    const dir = await runDir();
    await writeFile(join(dir, 'result.json'), '{ not json');
    await expect(reportCommand(dir)).rejects.toThrow(/result\.json: not valid JSON/);
  });
});
