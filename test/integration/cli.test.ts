/**
 * The CLI contract on a real machine: `--json` prints exactly one valid document, bad input
 * exits 2 and creates nothing, SIGINT cleans up, keeps a partial result and exits 130.
 */
import { execa } from 'execa';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunReport } from '../../harness/report/schema.js';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { useLabScratch, IS_ROOT, ourNamespaces, SKIP_REASON } from '../helpers/lab-env.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');
const cli = (args: string[]) => execa('node', [bin, ...args], { reject: false });

describe.skipIf(!IS_ROOT)(`resetlab CLI${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  const scratch = useLabScratch();

  it('run --json prints exactly one RunReport document and writes result.json and summary.md', async () => {
    const r = await cli(['run', 'over-window', '--duration', '3s', '--json', '--out', scratch()]);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(() => RunReport.parse(doc)).not.toThrow();
    expect(doc.arms.map((a: { name: string }) => a.name)).toEqual(['liberal=0', 'liberal=1']);
    expect(r.stderr).toMatch(/arm liberal=0/);
    const dirs = await readdir(scratch());
    expect(dirs).toHaveLength(1);
    const files = await readdir(join(scratch(), dirs[0]!));
    expect(files.sort()).toEqual(['report.html', 'result.json', 'summary.md']);
    expect(await readFile(join(scratch(), dirs[0]!, 'summary.md'), 'utf8')).toMatch(/\| resets \(ECONNRESET\) \|/);
    const html = await readFile(join(scratch(), dirs[0]!, 'report.html'), 'utf8');
    expect(html).toContain(doc.verdict.outcome.toUpperCase());
    expect(html.match(/<svg/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    expect(html).not.toMatch(/(src|href)="https?:/);
    // `report` re-renders from result.json alone.
    await rm(join(scratch(), dirs[0]!, 'report.html'));
    const again = await cli(['report', join(scratch(), dirs[0]!)]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await readFile(join(scratch(), dirs[0]!, 'report.html'), 'utf8')).toContain(doc.verdict.outcome.toUpperCase());
    expect(await ourNamespaces()).toEqual([]);
  });

  it('run --json through a real pipe arrives whole past 64 KiB, and a reader that leaves early is not a crash', async () => {
    // A pipe (not execa's socket): the node agents share it and leave it non-blocking; before the
    // fix exactly 65536 bytes arrived. Four scenarios make a document of about 85 KB.
    const out = join(scratch(), 'runs.json');
    const bin = join(REPO_ROOT, 'bin', 'resetlab.js');
    const r = await execa('sh', ['-c', `node '${bin}' run none over-window over-window-masquerade below-window --duration 2s --json --out '${scratch()}' | cat > '${out}'`], { reject: false });
    expect(r.exitCode, r.stderr.slice(-1500)).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text.length).toBeGreaterThan(65_536);
    expect(JSON.parse(text).runs).toHaveLength(4);
    const early = await execa('sh', ['-c', `node '${bin}' list | true; echo "rc=$?"`], { reject: false });
    expect(early.stderr).not.toMatch(/EPIPE/);
    expect(await ourNamespaces()).toEqual([]);
  });

  it('compare on real runs: shows what differs, exit 0 when not worse, exit 3 when the fix stops working', async () => {
    const cmp = await mkdtemp(join(tmpdir(), 'rl-test-'));
    try {
      const run = async (name: string) => {
        const r = await cli(['run', name, '--duration', '3s', '--out', cmp]);
        expect(r.exitCode, r.stderr).toBe(0);
        return (await readdir(cmp)).map((d) => join(cmp, d)).find((d) => d.endsWith(`-${name}`))!;
      };
      const dropping = await run('over-window-drop-invalid');
      const plain = await run('over-window');
      // Frequent flushes so that even a short arm loses entries several times.
      await writeFile(join(cmp, 'flush-fast.yaml'), 'name: flush-fast\nfault: { kind: conntrack-flush, intervalMs: 500 }\n');
      const r = await cli(['run', join(cmp, 'flush-fast.yaml'), '--duration', '3s', '--out', cmp]);
      expect(r.exitCode, r.stderr).toBe(0);
      const flushing = (await readdir(cmp)).map((d) => join(cmp, d)).find((d) => d.endsWith('-flush-fast'))!;
      const same = await cli(['compare', dropping, plain]);
      expect(same.exitCode, same.stderr).toBe(0);
      expect(same.stdout).toMatch(/dropInvalid/);
      const worse = await cli(['compare', plain, flushing]);
      expect(worse.exitCode).toBe(3);
      expect(worse.stdout + worse.stderr).toMatch(/not-fixed/);
    } finally {
      await rm(cmp, { recursive: true, force: true });
    }
  });

  it('a scenario file with several mistakes exits 2, lists each with file and field, and creates nothing', async () => {
    const file = join(scratch(), 'bad.yaml');
    await writeFile(file, 'name: Bad Name\nload: { connections: -1, duration: 10 parsecs }\nfault: { kind: teleport }\ncolour: red\n');
    const before = await ourNamespaces();
    const r = await cli(['run', file, '--trials', '0']);
    expect(r.exitCode).toBe(2);
    for (const field of ['name', 'load.connections', 'load.duration', 'fault.kind', 'colour']) {
      expect(r.stderr).toContain(`${file}: ${field}:`);
    }
    expect(r.stderr).toContain('flags: --trials:');
    expect(await ourNamespaces()).toEqual(before);
  });

  it('SIGINT in the middle of a run cleans up, writes a partial result and exits 130', async () => {
    // --fixed: a sequential run may settle both arms within the 2 s before the signal.
    const child = execa('node', [bin, 'run', 'over-window', '--fixed', '--duration', '30s', '--out', scratch()], { reject: false });
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (/arm liberal=0/.test(stderr)) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 2000));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(await ourNamespaces()).toEqual([]);
    const dirs = (await readdir(scratch())).filter((d) => d.endsWith('over-window'));
    const partial = await Promise.all(dirs.map(async (d) => JSON.parse(await readFile(join(scratch(), d, 'result.json'), 'utf8'))));
    expect(partial.some((p) => p.complete === false && p.arms[0].requests > 0)).toBe(true);
  });
});
