import { describe, expect, it } from 'vitest';
import { loadFixture, withCounts } from '../../test/helpers/reports.js';
import { renderCompareMarkdown, renderCompareText } from './compare-render.js';
import { compareRuns } from './compare.js';
import type { RunReport } from './schema.js';

const base = loadFixture('ci-over-window');
/** The fixture with its fix arm (last) replaced by these counts. */
function withFix(report: RunReport, requests: number, resets: number): RunReport {
  const arms = [...report.arms];
  arms[arms.length - 1] = withCounts(arms[arms.length - 1]!, requests, resets);
  return { ...report, arms };
}

describe('compareRuns', () => {
  it('a run against itself is not worse, with nothing differing', () => {
    const c = compareRuns(base, base);
    expect(c).toMatchObject({ schema: 'resetlab/compare@1', worse: false, reasons: [], differences: [], verdictChanged: false,
      unmatched: { baselineOnly: [], candidateOnly: [] } });
    expect(c.arms.map((a) => a.candidateArm)).toEqual(['liberal=0', 'liberal=1']);
    expect(c.arms[0]!.pTwoSided).toBeCloseTo(1, 9);
    expect(c.fixArm).toMatchObject({ baselineArm: 'liberal=1', candidateArm: 'liberal=1', pCandidateWorse: 1 });
  });

  it('a fix arm going from 0 resets to 50 in 100k requests is worse', () => {
    const a = withFix(base, 100_000, 0);
    const b = withFix(base, 100_000, 50);
    const c = compareRuns(a, b);
    expect(c.worse).toBe(true);
    expect(c.fixArm!.pCandidateWorse).toBeLessThan(1e-12);
    expect(c.fixArm!.pTwoSided).toBeLessThan(1e-12);
    expect(c.reasons).toEqual([expect.stringMatching(/^fix arm liberal=1 resets rose from 0 in 100000 to 50 in 100000 requests \(exact test, one-sided p [\d.e-]+ < 0\.01\)$/)]);
    // The other direction is an improvement, not a regression.
    expect(compareRuns(b, a).worse).toBe(false);
  });

  it('a candidate that was interrupted or came out inconclusive fails the gate', () => {
    const interrupted = compareRuns(base, { ...base, complete: false });
    expect(interrupted.worse).toBe(true);
    expect(interrupted.reasons[0]).toMatch(/candidate run is incomplete/);
    const inconclusive = compareRuns(base, { ...base, verdict: { ...base.verdict, outcome: 'inconclusive', explanation: 'Inconclusive: the run was disturbed.' } });
    expect(inconclusive.worse).toBe(true);
    expect(inconclusive.reasons[0]).toMatch(/inconclusive where the baseline was reproduced/);
    // Inconclusive on both sides is no change.
    const both = { ...base, verdict: { ...base.verdict, outcome: 'inconclusive' as const } };
    expect(compareRuns(both, both).worse).toBe(false);
  });

  it('a small, non-significant rise in the fix arm is not worse', () => {
    const c = compareRuns(withFix(base, 100_000, 0), withFix(base, 100_000, 2));
    expect(c.fixArm!.pCandidateWorse).toBeGreaterThan(0.01);
    expect(c.worse).toBe(false);
  });

  it('a verdict change from reproduced to not-fixed is worse, whatever the rates say', () => {
    const b = { ...base, verdict: { ...base.verdict, outcome: 'not-fixed' as const, explanation: 'Resets remain with liberal=1.' } };
    const c = compareRuns(base, b);
    expect(c.verdictChanged).toBe(true);
    expect(c.worse).toBe(true);
    expect(c.reasons).toEqual(['verdict changed from reproduced to not-fixed: Resets remain with liberal=1.']);
    // inconclusive is not "fixed" to begin with: no regression from it.
    const inconclusive = { ...base, verdict: { ...base.verdict, outcome: 'inconclusive' as const } };
    expect(compareRuns(inconclusive, b).worse).toBe(false);
  });

  it('lists differing kernels, knobs and sysctls, and unmatched arms', () => {
    const b: RunReport = {
      ...base,
      environment: { ...base.environment, kernel: '6.19.0-test', knobs: { ...base.environment.knobs, masquerade: true },
        sysctls: { 'node-a': { 'net.netfilter.nf_conntrack_max': 262144 } } },
      arms: [base.arms[0]!, { ...base.arms[1]!, name: 'drop-invalid' }],
    };
    const c = compareRuns(base, b, { baseline: 'a.json', candidate: 'b.json' });
    expect(c.differences).toEqual(expect.arrayContaining([
      { path: ['kernel'], baseline: '6.18.44-fc-v669', candidate: '6.19.0-test' },
      { path: ['knobs', 'masquerade'], baseline: 'false', candidate: 'true' },
      { path: ['sysctls', 'node-a', 'net.netfilter.nf_conntrack_max'], baseline: null, candidate: '262144' },
    ]));
    expect(c.unmatched).toEqual({ baselineOnly: ['liberal=1'], candidateOnly: ['drop-invalid'] });
    expect(c.arms.map((a) => a.candidateArm)).toEqual(['liberal=0']);
    expect(c.fixArm).toMatchObject({ baselineArm: 'liberal=1', candidateArm: 'drop-invalid' });
    expect(c.notes).toContain('fix arms differ in name: liberal=1 vs drop-invalid');
    expect(c.baseline.label).toBe('a.json');
  });
});

describe('compare renderings', () => {
  const worse = compareRuns(withFix(base, 100_000, 0), { ...withFix(base, 100_000, 50), environment: { ...base.environment, kernel: '6.19.0' } });

  it('text: result first and last, arms with both p-values, differences', () => {
    const text = renderCompareText(worse);
    expect(text.split('\n')[0]).toBe('compare: WORSE');
    expect(text).toMatch(/liberal=1 \(fix\)\s+0 \[0-36\.9\] \(0\/100000\)\s+500 \[371-659\] \(50\/100000\)\s+< 1e-12\s+< 1e-12/);
    expect(text).toContain('kernel: 6.18.44-fc-v669 -> 6.19.0');
    expect(text).toMatch(/result: WORSE: fix arm liberal=1 resets rose/);
    expect(renderCompareText(compareRuns(base, base))).toContain('fingerprints identical');
  });

  it('markdown: tables with escaped cells', () => {
    const md = renderCompareMarkdown(compareRuns(base, { ...base, scenario: { ...base.scenario, name: 'a|b<script>' } }));
    expect(md).toContain('## resetlab compare: not worse');
    expect(md).toContain('| scenario | over-window | a\\|b&lt;script> |');
    expect(md).toContain('| liberal=1 (fix) |');
    expect(renderCompareMarkdown(worse)).toContain('**WORSE**');
  });
});
