/**
 * `resetlab reproduce` as a user runs it, on real netns labs: its two scenarios side by side,
 * each in its own lab, with the verdicts the measurements predict (a masqueraded path
 * kube-proxy's drop cannot protect, the plain path it protects, with the fault reaching
 * conntrack and dropped). An interrupt stops both, keeps what they measured (marked
 * incomplete) and leaves nothing.
 */
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { diffHost, snapshotHost } from '../helpers/host-state.js';
import { IS_ROOT, ourNamespaces, SKIP_REASON, useLabScratch } from '../helpers/lab-env.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');

describe.skipIf(!IS_ROOT)(`resetlab reproduce${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  const out = useLabScratch();

  it('runs its two scenarios side by side, each in its own lab, with the measured verdicts, and leaves the host as it was', async () => {
    const before = await snapshotHost();
    const r = await execa(process.execPath, [bin, 'reproduce', '--json', '--out', join(out(), 'ok')], { reject: false, timeout: 180_000 });
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(0);
    const doc = JSON.parse(r.stdout) as { timeToVerdictSec: number; runs: Array<{ complete: boolean; startedAt: string; finishedAt: string; scenario: { name: string }; verdict: { outcome: string }; arms: Array<{ evidence: { invalidDropped: number }; stopping?: { reason: string } }> }> };
    expect(doc.runs.map((x) => [x.scenario.name, x.verdict.outcome])).toEqual([
      ['over-window-masquerade', 'reproduced'],
      ['over-window', 'not-reproduced'],
    ]);
    expect(doc.runs[1]!.arms[0]!.evidence.invalidDropped).toBeGreaterThan(0);
    for (const run of doc.runs) expect(run.complete).toBe(true);
    // Two labs, two prefixes, running at the same time.
    const labs = [...r.stderr.matchAll(/^\s*\[([\w-]+)\] lab (rl-[0-9a-f]{6}):/gm)].map((m) => [m[1], m[2]]);
    expect(labs.map((l) => l[0]).sort()).toEqual(['over-window', 'over-window-masquerade']);
    expect(new Set(labs.map((l) => l[1])).size).toBe(2);
    const latestStart = Math.max(...doc.runs.map((x) => Date.parse(x.startedAt)));
    const earliestEnd = Math.min(...doc.runs.map((x) => Date.parse(x.finishedAt)));
    expect(latestStart).toBeLessThan(earliestEnd);
    expect(r.stderr).toMatch(/at most 4s/);
    expect(r.stderr).toMatch(/Time to verdict: [\d.]+ s \(2 scenarios/);
    expect(readdirSync(join(out(), 'ok'))).toHaveLength(2);
    expect(await ourNamespaces()).toEqual([]);
    expect(diffHost(before, await snapshotHost())).toEqual({});
  });

  it('an interrupt stops both, writes what they measured marked incomplete, exits 130 and leaves nothing', async () => {
    const child = execa(process.execPath, [bin, 'reproduce', '--json', '--duration', '30s', '--fixed', '--out', join(out(), 'int')], { reject: false, timeout: 180_000 });
    let err = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
        if ((err.match(/\] arm liberal=0 \(trial/g) ?? []).length === 2) resolve();
      });
    });
    await new Promise((res) => setTimeout(res, 1500));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(130);
    const dirs = readdirSync(join(out(), 'int'));
    expect(dirs).toHaveLength(2);
    for (const d of dirs) {
      const report = JSON.parse(readFileSync(join(out(), 'int', d, 'result.json'), 'utf8')) as { complete: boolean; arms: Array<{ requests: number }> };
      expect(report.complete).toBe(false);
      expect(report.arms[0]!.requests).toBeGreaterThan(0);
    }
    expect(await ourNamespaces()).toEqual([]);
  });
});
