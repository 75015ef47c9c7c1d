import { describe, expect, it } from 'vitest';
import { windowKey } from '../cpu-probe.js';
import type { CpuWindow } from '../proc-cpu.js';
import { cpuPair, rpsPlanFor, rpsReport } from '../../../test/helpers/rps-bench.js';
import { rpsCharts } from './charts.js';
import { renderRpsHtml } from './html.js';
import { armRow, renderRpsMarkdown, renderRpsTerminal, spread } from './render.js';
import { buildRpsBenchDoc, meanCpu, rfsState } from './summary.js';

const MASKS = ['0', '3'];

/** `disturb` marks trials (arm index, 1-based trial) disturbed: the load agent gave no result, so 0 req/s. */
function doc(rates: number[][], resets?: number[], edit: { disturb?: Array<[number, number]>; complete?: boolean } = {}) {
  const report = rpsReport(MASKS, rates, resets);
  for (const [arm, trial] of edit.disturb ?? []) {
    const t = report.arms[arm]!.trials[trial - 1]!;
    Object.assign(t, { requestsPerSec: 0, throughputBytesPerSec: 0, disturbed: ['the load agent produced no result: killed'] });
  }
  if (edit.complete === false) report.complete = false;
  const windows = new Map<string, CpuWindow[] | null>();
  report.arms.forEach((a) => a.trials.forEach((t) => windows.set(windowKey(a.name, t.trial), cpuPair(0.2, a.name === 'rps=3' ? 0.25 : 0))));
  return buildRpsBenchDoc(rpsPlanFor(report, MASKS, rates[0]!.length), report, windows, rfsState(0, 0));
}

describe('buildRpsBenchDoc', () => {
  it('summarises each arm over its trials and records RPS read back', () => {
    const d = doc([[41210.5, 40877.2, 42011.9], [40102.3, 43550.0, 41888.8]]);
    expect(d.schema).toBe('resetlab/bench-rps@1');
    expect(d.arms.map((a) => a.mask)).toEqual(['0', '3']);
    expect(d.arms[0]!.requestsPerSec).toMatchObject({ n: 3, min: 40877.2, max: 42011.9 });
    expect(d.arms[0]!.requestsPerSec.mean).toBeCloseTo(41366.533, 3);
    expect(d.arms[1]!.rps['node-a']!['wire0/rx-0/rps_cpus']).toBe('3');
    expect(d.arms[1]!.cpu.map((c) => Number(c.softirqShare.toFixed(6)))).toEqual([0.2, 0.25]);
    // ABBA order: rps=0 runs 1st, 4th, 5th; rps=3 2nd, 3rd, 6th.
    expect(d.arms[0]!.trials.map((t) => t.position)).toEqual([1, 4, 5]);
    expect(d.arms[1]!.trials.map((t) => t.position)).toEqual([2, 3, 6]);
  });

  it('states the comparisons honestly (scipy: p = 0.685 for these req/s)', () => {
    const d = doc([[41210.5, 40877.2, 42011.9], [40102.3, 43550.0, 41888.8]]);
    const sentences = d.comparisons.map((c) => c.sentence);
    expect(sentences[0]).toBe('no significant difference in requests/s between mask 0 and 3 (+1.2%, p=0.685, 3 trials each)');
    expect(sentences[1]).toMatch(/^no significant difference in bytes\/s between mask 0 and 3 \(\+1\.2%, p=0\.685, 3 trials each\)$/);
    expect(sentences[2]).toMatch(/^no resets with mask 0 or 3 \(\d+ requests\): no difference in reset rate to test$/);
  });

  it('says which way a significant difference goes, and when a test cannot run', () => {
    const sig = doc([[100, 101, 99.5, 100.2], [110, 111.5, 109, 110.5]], [0, 40]);
    expect(sig.comparisons[0]!.sentence).toMatch(/^requests\/s with mask 3 is significantly higher than with mask 0 \(\+10\.1%, p=[0-9.e-]+, 4 trials each\)$/);
    expect(sig.comparisons[0]!.significant).toBe(true);
    expect(sig.comparisons[2]!.sentence).toMatch(/^reset rate with mask 3 is significantly higher than with mask 0 \(0 vs [\d.]+ per million, p=/);
    const one = doc([[100], [110]]);
    expect(one.comparisons[0]!.sentence).toBe("cannot test requests/s between mask 0 and 3: Welch's t-test needs at least 2 trials per mask (1 trial each)");
    expect(one.comparisons[0]!.pValue).toBeNull();
  });
});

describe('disturbed trials and incomplete runs', () => {
  const rates = [[100, 101, 99.5, 100.2], [110, 111.5, 109, 110.5]];

  it('leaves a disturbed trial out of the figures and the tests, and says how many per mask', () => {
    // Trial 1 of mask 3 carries its 40 resets and was disturbed: neither its 0 req/s nor its resets count.
    const d = doc(rates, [0, 40], { disturb: [[1, 1]] });
    expect(d.arms.map((a) => a.excludedTrials)).toEqual([0, 1]);
    expect(d.arms[1]!.trials).toHaveLength(4);
    expect(d.arms[1]!.requestsPerSec).toMatchObject({ n: 3, min: 109, max: 111.5 });
    expect(d.arms[1]!.resets).toBe(0);
    expect(d.arms[1]!.requests).toBe([111.5, 109, 110.5].reduce((s, r) => s + Math.round(r * 5), 0));
    expect(d.arms[1]!.resetRate.perMillion).toBe(0);
    expect(d.comparisons[0]!.significant).toBe(true);
    expect(d.comparisons[0]!.sentence).toMatch(/^requests\/s with mask 3 is significantly higher than with mask 0 \(\+10\.\d%, p=[0-9.e-]+, 4 and 3 trials; 1 disturbed trial of mask 3 excluded\)$/);
    expect(d.comparisons[2]!.sentence).toMatch(/^no resets with mask 0 or 3 \(\d+ requests; 1 disturbed trial of mask 3 excluded\): no difference in reset rate to test$/);
    expect(d.notes).toContain('disturbed trials are left out of every figure and test: rps=3 1 of 4');
    expect(armRow(d.arms[1]!)[0]).toBe('rps=3 (3 of 4 trials; 1 disturbed excluded)');
    expect(armRow(d.arms[0]!)[0]).toBe('rps=0');
    const charts = rpsCharts(d);
    expect(charts[0]!.caption).toContain('Red crosses: disturbed trials');
    expect((charts[0]!.spec as { layer: unknown[] }).layer).toHaveLength(4);
  });

  it('an arm with no clean trial is not tested', () => {
    const d = doc(rates, undefined, { disturb: [[1, 1], [1, 2], [1, 3], [1, 4]] });
    expect(d.arms[1]!.requestsPerSec.n).toBe(0);
    expect(d.comparisons[0]!).toMatchObject({ pValue: null, significant: null });
    expect(d.comparisons[0]!.sentence).toBe("cannot test requests/s between mask 0 and 3: Welch's t-test needs at least 2 trials per mask (4 and 0 trials; 4 disturbed trials of mask 3 excluded)");
    expect(d.comparisons[2]!).toMatchObject({ pValue: null, significant: null });
    expect(d.comparisons[2]!.sentence).toBe('cannot test reset rate between mask 0 and 3: no requests in the clean trials of mask 3 (4 disturbed trials of mask 3 excluded)');
    expect(armRow(d.arms[1]!).slice(1, 5)).toEqual(['-', '-', '-', '-']);
  });

  it('an incomplete run makes no comparison and says so', async () => {
    const d = doc(rates, [0, 40], { complete: false });
    expect(d.comparisons).toEqual([]);
    const text = renderRpsTerminal(d);
    expect(text).toContain('Significance:\n  - run incomplete: no comparison\n');
    expect(text).not.toMatch(/significant|cannot test|no resets with/i);
    const md = renderRpsMarkdown(d);
    expect(md).toContain('**Significance**\n\n- run incomplete: no comparison\n');
    expect(md).not.toMatch(/significantly|no significant/);
    const html = await renderRpsHtml(d);
    expect(html).toContain('<section><h2>Significance</h2><ul class="notes"><li>run incomplete: no comparison</li></ul></section>');
  });
});

describe('rendering', () => {
  const d = doc([[41210.5, 40877.2, 42011.9], [40102.3, 43550.0, 41888.8]]);

  it('the terminal table has one row per mask with spread, latency, reset interval and per-CPU softirq', () => {
    const text = renderRpsTerminal(d);
    expect(text).toContain('req/s mean ± sd [min-max]');
    expect(text).toMatch(/rps=0\s+41367 ± 583 \[40877-42012\]/);
    expect(text).toMatch(/rps=3 .* 20 \/ 25 /);
    expect(text).toContain('Significance:\n  - no significant difference in requests/s between mask 0 and 3');
    expect(text).toContain('RFS is not used: rps_flow_cnt is 0');
  });

  it('summary.md is a GitHub table with the same statements', () => {
    const md = renderRpsMarkdown(d);
    expect(md).toMatch(/^## resetlab RPS benchmark: scenario none, masks 0, 3, 3 trials of 5s per arm/);
    expect(md).toContain('| arm | req/s mean ± sd [min-max] |');
    expect(md).toContain('- no significant difference in requests/s between mask 0 and 3 (+1.2%, p=0.685, 3 trials each)');
  });

  it('spread drops the ± part for a single trial', () => {
    expect(spread({ n: 1, mean: 5, sd: 0, min: 5, max: 5 }, String)).toBe('5');
    expect(spread({ n: 0, mean: 0, sd: 0, min: 0, max: 0 }, String)).toBe('-');
  });
});

describe('meanCpu and rfsState', () => {
  it('averages per CPU over the trials that have windows', () => {
    expect(meanCpu([cpuPair(0.2, 0), null, cpuPair(0.4, 0.2)]).map((c) => [c.cpu, c.softirqShare, c.busyShare])).toEqual([[0, 0.30000000000000004, 0.9], [1, 0.1, 0.8]]);
    expect(meanCpu([null])).toEqual([]);
  });

  it('never claims RFS without the host\'s global table', () => {
    expect(rfsState(0, 64)).toMatchObject({ active: false, note: expect.stringMatching(/^RFS is not active: rps_flow_cnt is 64 per queue, but net.core.rps_sock_flow_entries/) });
    expect(rfsState(null, 64).note).toContain('could not be read');
    expect(rfsState(32768, 64)).toMatchObject({ active: true, note: expect.stringMatching(/^RFS may be active/) });
    expect(rfsState(32768, 0).active).toBe(false);
  });
});
