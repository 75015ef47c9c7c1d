import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { comparisonRows, headline, stoppingCell, stoppingDetail, stoppingLines, stoppingSentence } from './rows.js';
import { RunReport } from './schema.js';

/** A real-shaped over-window run: liberal=0 resets, liberal=1 none (numbers from the verdict code). */
const loadReport = (): RunReport =>
  RunReport.parse(JSON.parse(readFileSync(new URL('../../test/fixtures/reports/reproduced.json', import.meta.url), 'utf8')));

describe('fixture reports/reproduced.json', () => {
  it('validates with RunReport.parse and round-trips unchanged', () => {
    const raw: unknown = JSON.parse(readFileSync(new URL('../../test/fixtures/reports/reproduced.json', import.meta.url), 'utf8'));
    expect(RunReport.safeParse(raw).success).toBe(true);
    expect(RunReport.parse(raw)).toEqual(raw);
  });

  it('is consistent: arm totals equal their trial and tick sums', () => {
    for (const arm of loadReport().arms) {
      const ticks = arm.trials.flatMap((t) => t.ticks);
      expect(ticks.reduce((s, t) => s + t.requests, 0)).toBe(arm.requests);
      expect(ticks.reduce((s, t) => s + t.resets, 0)).toBe(arm.resets);
      expect(arm.errors.ECONNRESET ?? 0).toBe(arm.resets);
    }
  });
});

describe('comparisonRows', () => {
  const report = loadReport();
  const rows = comparisonRows(report);
  const cells = (label: string) => rows.find((r) => r.label === label)?.cells;

  it('has the rows in funnel order, grouped setup, load, evidence, performance', () => {
    expect(rows.map((r) => [r.group, r.label])).toEqual([
      ['setup', 'sysctls (read back, node-a)'],
      ['setup', '  tcp_be_liberal'],
      ['load', 'requests'],
      ['load', 'resets (ECONNRESET)'],
      ['load', 'resets per million [95% CI]'],
      ['load', 'other errors'],
      ['evidence', 'injected segments'],
      ['evidence', '-> conntrack INVALID (node-a)'],
      ['evidence', '-> dropped by INVALID rule'],
      ['evidence', '-> leaked un-NATed to client'],
      ['evidence', '   (injected, delivered NATed)'],
      ['evidence', '-> client RSTs sent'],
      ['evidence', '-> server connections reset'],
      ['performance', 'throughput'],
      ['performance', 'requests/s'],
      ['performance', 'latency p50 / p99'],
    ]);
  });

  it.each<[string, [string, string]]>([
    ['sysctls (read back, node-a)', ['', '']],
    ['  tcp_be_liberal', ['0', '1']],
    ['requests', ['44296', '53899']],
    ['resets (ECONNRESET)', ['198', '0']],
    ['resets per million [95% CI]', ['4470 [3869-5138]', '0 [0-68.4]']],
    ['other errors', ['0', '0']],
    ['injected segments', ['240', '240']],
    ['-> conntrack INVALID (node-a)', ['480', '0']],
    ['-> dropped by INVALID rule', ['0', '0']],
    ['-> leaked un-NATed to client', ['240', '0']],
    ['   (injected, delivered NATed)', ['0', '240']],
    ['-> client RSTs sent', ['240', '0']],
    ['-> server connections reset', ['208', '0']],
    ['throughput', ['2.32 Gbit/s', '2.82 Gbit/s']],
    ['requests/s', ['4428', '5388']],
    ['latency p50 / p99', ['10.12 ms / 31.4 ms', '8.91 ms / 17.63 ms']],
  ])('%s: one cell per arm, in arm order', (label, expected) => {
    expect(cells(label)).toEqual(expected);
  });

  it('follows the arms: reordered arms reorder every row\'s cells', () => {
    const reversed = comparisonRows({ ...report, arms: [...report.arms].reverse() });
    reversed.forEach((r, i) => expect(r.cells).toEqual([...(rows[i]?.cells ?? [])].reverse()));
  });

  it('lists other errors without ECONNRESET', () => {
    const [first, ...rest] = report.arms;
    if (!first) throw new Error('fixture has no arms');
    const out = comparisonRows({ ...report, arms: [{ ...first, errors: { ECONNRESET: 198, ETIMEDOUT: 3, EPIPE: 1 } }, ...rest] });
    expect(out.find((r) => r.label === 'other errors')?.cells[0]).toBe('ETIMEDOUT 3, EPIPE 1');
  });

  it('gives each sysctl any arm has its own row ("-" where an arm has none), only the conntrack prefix shortened', () => {
    const [first, second] = report.arms;
    if (!first || !second) throw new Error('fixture needs two arms');
    const out = comparisonRows({ ...report, arms: [{ ...first, sysctls: { 'net.netfilter.nf_conntrack_tcp_loose': 0, 'net.ipv4.vs.conntrack': 1 } }, second] });
    expect(out.filter((r) => r.group === 'setup')).toEqual([
      { label: 'sysctls (read back, node-a)', group: 'setup', cells: ['', ''] },
      { label: '  tcp_loose', group: 'setup', cells: ['0', '-'] },
      { label: '  net.ipv4.vs.conntrack', group: 'setup', cells: ['1', '-'] },
      { label: '  tcp_be_liberal', group: 'setup', cells: ['-', '1'] },
    ]);
    const none = comparisonRows({ ...report, arms: report.arms.map((a) => ({ ...a, sysctls: {} })) });
    expect(none.filter((r) => r.group === 'setup')).toEqual([{ label: 'sysctls (read back, node-a)', group: 'setup', cells: ['-', '-'] }]);
  });

  it('shows "-" for injectedNatted where it was not measured (reports written before it existed)', () => {
    const arms = report.arms.map(({ evidence: { injectedNatted: _unused, ...evidence }, ...arm }) => ({ ...arm, evidence }));
    expect(comparisonRows({ ...report, arms }).find((r) => r.label.includes('delivered NATed'))?.cells).toEqual(['-', '-']);
  });

  it.each<[number, number, number, string]>([
    [0.5, 0.01, 2.79, '0.5 [0.01-2.79]'],
    [99.94, 12.345, 100.4, '99.9 [12.3-100]'],
  ])('formats rates %s [%s-%s] as %j', (perMillion, low, high, text) => {
    const [first, ...rest] = report.arms;
    if (!first) throw new Error('fixture has no arms');
    const out = comparisonRows({ ...report, arms: [{ ...first, resetRate: { perMillion, low, high } }, ...rest] });
    expect(out.find((r) => r.label === 'resets per million [95% CI]')?.cells[0]).toBe(text);
  });
});

describe('headline', () => {
  const report = loadReport();

  it('names scenario, outcome and the data plane actually used', () => {
    expect(headline(report)).toBe('over-window: REPRODUCED — netns lab, iptables data plane, kernel 6.18.44-fc-v669');
  });

  it('says when the run is incomplete', () => {
    expect(headline({ ...report, complete: false })).toBe(
      'over-window: REPRODUCED (incomplete run) — netns lab, iptables data plane, kernel 6.18.44-fc-v669',
    );
  });
});

describe('stopping rows', () => {
  const withStopping = (): RunReport => {
    const r = loadReport();
    r.arms[0]!.stopping = { reason: 'decided', settled: 'baseline positive', requests: 3077, resets: 13, seconds: 0.628, mode: 'sequential' };
    r.arms[1]!.stopping = { reason: 'max-duration', requests: 95_000, resets: 0, seconds: 10, mode: 'sequential' };
    r.verdict.sequential = {
      decision: 'reproduced', minRatePerMillion: 200, eBaselineAbove: 1e9, eFixAbove: 0.01, eBaselineClean: 0, eFixClean: 7,
      baselineUpperPerMillion: 6000, fixUpperPerMillion: 48, schedule: 'ordered',
    };
    return RunReport.parse(r);
  };
  it.each([
    [{ reason: 'decided', settled: 'reproduced', requests: 4932, resets: 0, seconds: 0.625, mode: 'sequential' }, 'decided (reproduced) at 4932 requests, 0 resets, 0.6 s', 'decided at 0.6 s (4932 req)'],
    [{ reason: 'max-duration', requests: 95_000, resets: 2, seconds: 10, mode: 'sequential' }, 'max duration: 95000 requests, 2 resets, 10 s', 'max duration 10 s (95000 req)'],
    [{ reason: 'max-duration', requests: 95_000, resets: 0, seconds: 10.02, mode: 'fixed' }, 'fixed duration: 95000 requests, 0 resets, 10 s', 'fixed 10 s (95000 req)'],
    [{ reason: 'interrupted', requests: 10, resets: 0, seconds: 1.25, mode: 'sequential' }, 'interrupted at 10 requests, 0 resets, 1.3 s', 'interrupted at 1.3 s (10 req)'],
    [undefined, '-', '-'],
  ] as const)('%o -> %s; cell %s', (stopping, detail, cell) => {
    const arm = { ...loadReport().arms[0]!, ...(stopping ? { stopping: { ...stopping } } : {}) };
    if (!stopping) delete (arm as { stopping?: unknown }).stopping;
    expect(stoppingDetail(arm)).toBe(detail);
    expect(stoppingCell(arm)).toBe(cell);
  });
  it('adds a `stopped` row and a sentence only when arms carry stopping records', () => {
    expect(comparisonRows(loadReport()).some((r) => r.label === 'stopped')).toBe(false);
    expect(stoppingSentence(loadReport())).toBeNull();
    const r = withStopping();
    expect(comparisonRows(r).at(-1)).toEqual({ label: 'stopped', group: 'stopping', cells: ['decided at 0.6 s (3077 req)', 'max duration 10 s (95000 req)'] });
    expect(stoppingLines(r)).toEqual(['liberal=0: decided (baseline positive) at 3077 requests, 13 resets, 0.6 s', 'liberal=1: max duration: 95000 requests, 0 resets, 10 s']);
    expect(stoppingLines(loadReport())).toEqual([]);
    expect(stoppingSentence(r)).toMatch(/^Stopping: sequential \(arms in order, each in one piece\).*alpha 0.01.*below 200 resets per million/);
  });
  it('says fixed duration for --fixed runs', () => {
    const r = withStopping();
    for (const a of r.arms) a.stopping = { reason: 'max-duration', requests: a.requests, resets: a.resets, seconds: 10, mode: 'fixed' };
    delete r.verdict.sequential;
    expect(stoppingSentence(r)).toBe('Stopping: fixed duration (--fixed): every arm ran its full duration.');
  });
});
