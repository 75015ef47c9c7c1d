import { describe, expect, it } from 'vitest';
import { baselineFrom, compareWithBaseline } from './baseline.js';
import type { HarnessBenchDoc } from './doc.js';
import { harnessRows, injectorLine, overheadVariant, renderHarnessTable } from './render.js';

const s = (mean: number, sd = 0) => ({ n: 2, mean, sd, min: mean - sd, max: mean + sd });

function doc(): HarnessBenchDoc {
  const figures = { labProvisionSec: 0.15, labTeardownSec: 0.06, reproduceTimeToVerdictSec: 48.2, loadAgentPeakRssMiB: 180 };
  return {
    schema: 'resetlab/bench-harness@1',
    startedAt: '2026-11-26T07:00:00.000Z',
    finishedAt: '2026-11-26T07:03:00.000Z',
    elapsedSec: 180,
    environment: { kernel: '6.18.44', cpus: 2, nodeVersion: 'v20.20.2', autocannonVersion: '8.0.0', gitCommit: 'abcdef0123456789', wrk: 'wrk debian/4.1.0-3+b2', iperf3: 'iperf 3.12' },
    settings: { quick: false, durationSec: 5, trials: 2, connections: 50 },
    loadVsWrk: [
      { responseBytes: 2, connections: 50, wrkThreads: 2, wrk: { requestsPerSec: s(20000, 100), bytesPerSec: s(3e6) },
        agent: [{ processes: 1, requestsPerSec: s(21000, 200), bytesPerSec: s(3e6) }, { processes: 2, requestsPerSec: s(19000), bytesPerSec: s(3e6) }], processesUsed: 1, ratio: 1.05 },
      { responseBytes: 65536, connections: 50, wrkThreads: 2, wrk: { requestsPerSec: s(10000), bytesPerSec: s(6.6e8) },
        agent: [{ processes: 1, requestsPerSec: s(7000), bytesPerSec: s(4.6e8) }, { processes: 2, requestsPerSec: s(8000), bytesPerSec: s(5.3e8) }], processesUsed: 2, ratio: 0.8 },
    ],
    ceiling: { iperf3BytesPerSec: 1.5e9, agentBytesPerSec: 5.3e8, wrkBytesPerSec: 6.6e8, agentRatio: 0.353, wrkRatio: 0.44 },
    overhead: { responseBytes: 65536, bare: s(7000, 100), counters: s(6990), instrumented: s(6900, 100), ratio: 0.9857, countersRatio: 0.9986, pValue: 0.41, countersPValue: 0.9, injected: 0,
      injectorRatePerSecond: 50, injectorDryRun: true, wouldHaveInjected: 490, sniffed: 10_100 },
    lab: { cycles: 3, provisionSec: s(0.15), teardownSec: s(0.06) },
    reproduce: { timeToVerdictSec: 48.2, note: 'node bin/resetlab.js reproduce --json' },
    memory: { connections: 1000, responseBytes: 65536, peakRssMiB: 180, pids: 1 },
    baseline: { file: 'bench/baseline.json', commit: '0123456789ab', createdAt: '2026-11-25T00:00:00Z',
      comparisons: compareWithBaseline(figures, { labProvisionSec: 0.2, labTeardownSec: 0.06, reproduceTimeToVerdictSec: null, loadAgentPeakRssMiB: 150 }) },
    figures,
    notes: [],
  };
}

describe('compareWithBaseline', () => {
  it('gives current / baseline, null where a side is missing', () => {
    const c = doc().baseline!.comparisons;
    expect(c.map((x) => [x.name, x.ratio === null ? null : Number(x.ratio.toFixed(3))])).toEqual([
      ['labProvisionSec', 0.75], ['labTeardownSec', 1], ['reproduceTimeToVerdictSec', null], ['loadAgentPeakRssMiB', 1.2],
    ]);
  });

  it('a baseline made from a run carries its figures and how to update it', () => {
    const b = baselineFrom(doc());
    expect(b).toMatchObject({ schema: 'resetlab/bench-baseline@1', commit: 'abcdef0123456789', figures: doc().figures });
    expect(b.howToUpdate).toContain('npm run bench -- --write-baseline');
  });
});

describe('renderHarnessTable', () => {
  it('prints one row per measure with ratios and goals', () => {
    const rows = harnessRows(doc());
    expect(rows[0]).toEqual(['load agent req/s, 2 B, 50 conns (1 process; 2 proc: 19000)', '21000 ± 200', 'wrk -t2: 20000 ± 100', '1.05', '>= 1.0 met']);
    expect(rows[1]![0]).toBe('load agent req/s, 64 KiB, 50 conns (2 processes; 1 proc: 7000)');
    expect(rows[1]![4]).toBe('>= 1.0 NOT met');
    expect(rows[2]).toEqual(['load agent bytes/s, 64 KiB, vs one iperf3 stream (path ceiling)', '530.0 MB/s', 'iperf3: 1500.0 MB/s', '0.35', '(ceiling)']);
    expect(rows[4]).toEqual(['measurement overhead: req/s counters + injector duty cycle at 50/s, dry run / bare, 64 KiB (p=0.41)', '6900 ± 100', 'bare: 7000 ± 100', '0.99', '>= 0.97 met']);
    expect(rows[5]).toEqual(['  of which evidence counters alone (no injector) (p=0.9)', '6990 ± 0', 'bare: 7000 ± 100', '1.00', '']);
    expect(rows[6]).toEqual(['lab provision (mean of 3)', '0.150 s', 'baseline: 0.200 s', '0.75', 'lower is better']);
    expect(rows[8]).toEqual(['`resetlab reproduce` time to verdict', '48.2 s', 'no baseline', '-', 'lower is better']);
    const text = renderHarnessTable(doc());
    expect(text).toContain('Baseline: bench/baseline.json (commit 0123456789ab');
    expect(text).toContain('Injector in the overhead trials: dry run (sniff, parse and forge; nothing sent) at 50/s, 490 packets forged and not sent, 10100 segments sniffed, 0 sent.');
    expect(text.split('\n')[0]).toBe('resetlab harness benchmark — kernel 6.18.44, 2 CPUs, Node v20.20.2, autocannon 8.0.0, wrk debian/4.1.0-3+b2, iperf 3.12, commit abcdef012345');
  });
});

describe('the overhead label says what the instrumented variant ran', () => {
  it('names the duty-cycle rate and the dry run; a document from before says the sniffing injector', () => {
    expect(overheadVariant(doc())).toBe('counters + injector duty cycle at 50/s, dry run');
    const old = doc();
    old.overhead = { responseBytes: 65536, bare: s(7000), instrumented: s(6900), ratio: 0.9857, pValue: null, injected: 1 };
    expect(overheadVariant(old)).toBe('counters + sniffing injector');
    expect(injectorLine(old)).toBeNull();
    expect(renderHarnessTable(old)).not.toContain('Injector in the overhead trials');
  });
});

describe('reproduce: sequential vs --fixed in one run', () => {
  it('adds a ratio row with the 0.35 goal after the time-to-verdict row', () => {
    const d = { ...doc(), reproduce: { timeToVerdictSec: 11, note: 'seq' }, reproduceFixed: { timeToVerdictSec: 44, note: 'fixed' }, reproduceRatio: 0.25 };
    const rows = harnessRows(d);
    const i = rows.findIndex((r) => r[0] === '`resetlab reproduce` time to verdict');
    expect(rows[i + 1]).toEqual(['  sequential / `--fixed` (same run)', '11.0 s', '--fixed: 44.0 s', '0.25', '<= 0.35 met']);
    expect(renderHarnessTable(d)).toContain('Reproduce: seq; fixed.');
  });
  it('older documents without the fixed timing have no ratio row', () => {
    expect(harnessRows(doc()).some((r) => (r[0] ?? '').includes('--fixed'))).toBe(false);
  });
});
