import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';
import { RunReport } from './schema.js';
import { createRunDir, stamp, writeAtomic, writeRun } from './write.js';

const FIXTURE = new URL('../../test/fixtures/reports/reproduced.json', import.meta.url);
const loadReport = async (): Promise<RunReport> => RunReport.parse(JSON.parse(await readFile(FIXTURE, 'utf8')));
const RUN = '2026-11-26T07-03-12Z-over-window';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'rl-test-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('writeAtomic', () => {
  it('creates the file and leaves no temporary file', async () => {
    const file = join(tmp, 'result.json');
    await writeAtomic(file, '{"a":1}\n');
    expect(await readFile(file, 'utf8')).toBe('{"a":1}\n');
    expect(await readdir(tmp)).toEqual(['result.json']);
  });

  it('replaces existing content entirely (a shorter text leaves no tail of the old one)', async () => {
    const file = join(tmp, 'summary.md');
    await writeFile(file, 'old content that is rather long\n');
    await writeAtomic(file, 'new\n');
    expect(await readFile(file, 'utf8')).toBe('new\n');
    expect(await readdir(tmp)).toEqual(['summary.md']);
  });

  it('fails with "failed to write <file>" and removes its temporary file when the rename fails', async () => {
    const target = join(tmp, 'taken');
    await mkdir(join(target, 'child'), { recursive: true });
    await expect(writeAtomic(target, 'x')).rejects.toThrow(new RegExp(`^failed to write ${target}: `));
    expect(await readdir(tmp)).toEqual(['taken']);
  });

  it('fails with "failed to write" when the directory does not exist', async () => {
    const file = join(tmp, 'missing', 'f.json');
    await expect(writeAtomic(file, 'x')).rejects.toThrow(/ENOENT/);
    await expect(writeAtomic(file, 'x')).rejects.toThrow(`failed to write ${file}`);
  });
});

describe('stamp', () => {
  it.each<[string, string]>([
    ['2026-11-26T07:03:12.481Z', '2026-11-26T07-03-12Z'],
    ['2026-11-26T07:03:12Z', '2026-11-26T07-03-12Z'],
    ['2026-01-02T00:00:00.000Z', '2026-01-02T00-00-00Z'],
  ])('%s -> %s', (iso, expected) => {
    expect(stamp(iso)).toBe(expected);
  });
});

describe('createRunDir', () => {
  it('creates <out>/<stamp>-<scenario>, creating <out> when missing', async () => {
    const out = join(tmp, 'results', 'nested');
    expect(await createRunDir(out, await loadReport())).toBe(join(out, RUN));
    expect(await readdir(out)).toEqual([RUN]);
  });

  it('never reuses an existing directory: later calls get -2, -3', async () => {
    const report = await loadReport();
    const dirs = [await createRunDir(tmp, report), await createRunDir(tmp, report), await createRunDir(tmp, report)];
    expect(dirs).toEqual([join(tmp, RUN), join(tmp, `${RUN}-2`), join(tmp, `${RUN}-3`)]);
    expect((await readdir(tmp)).sort()).toEqual([RUN, `${RUN}-2`, `${RUN}-3`]);
  });

  it('skips a name taken by a file, and leaves that file alone', async () => {
    await writeFile(join(tmp, RUN), 'someone else\n');
    expect(await createRunDir(tmp, await loadReport())).toBe(join(tmp, `${RUN}-2`));
    expect(await readFile(join(tmp, RUN), 'utf8')).toBe('someone else\n');
  });
});

describe('writeRun', () => {
  // The first render loads vega: seconds on a busy machine (it passed at 4.1 s and timed out at 5 s under load 18).
  it('writes result.json that parses back equal, and summary.md, in a fresh directory', { timeout: 30_000 }, async () => {
    const report = await loadReport();
    const dir = await writeRun(tmp, report);
    expect(dir).toBe(join(tmp, RUN));
    expect((await readdir(dir)).sort()).toEqual(['report.html', 'result.json', 'summary.md']);
    const json = await readFile(join(dir, 'result.json'), 'utf8');
    expect(json.endsWith('}\n')).toBe(true);
    expect(RunReport.parse(JSON.parse(json))).toEqual(report);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toBe(renderMarkdown(report));
  });

  it('does not overwrite an earlier run with the same start time', async () => {
    const report = await loadReport();
    const first = await writeRun(tmp, report);
    const second = await writeRun(tmp, { ...report, complete: false });
    expect(second).toBe(`${first}-2`);
    expect(JSON.parse(await readFile(join(first, 'result.json'), 'utf8'))).toMatchObject({ complete: true });
    expect(JSON.parse(await readFile(join(second, 'result.json'), 'utf8'))).toMatchObject({ complete: false });
  });
});
