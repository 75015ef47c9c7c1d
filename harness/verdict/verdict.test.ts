import { describe, expect, it } from 'vitest';
import { type ArmResult, type Evidence, Verdict } from '../report/schema.js';
import { formatP, formatRate, kernelAtLeast } from './format.js';
import { poolArm } from './pool.js';
import { SEQUENTIAL_TEST } from './sequential.js';
import { decideVerdict, VERDICT_TEST, type VerdictOptions } from './verdict.js';

const NO_EVIDENCE: Evidence = {
  injected: 0, conntrackInvalid: 0, invalidDropped: 0, leakedUnNatted: 0, clientRstsSent: 0, serverResets: 0,
};
/** Over-window injection, liberal=0, as measured (KNOWLEDGE.md §3). */
const CHAIN: Evidence = {
  injected: 391, conntrackInvalid: 391, invalidDropped: 0, leakedUnNatted: 380, clientRstsSent: 340, serverResets: 332,
};

/** One-trial arm with the given counts (built through poolArm, as the pipeline does). */
function arm(name: string, requests: number, resets: number, evidence = NO_EVIDENCE, disturbed: string[] = []): ArmResult {
  return poolArm(name, [{
    trial: 1, sysctlsByNode: { 'node-a': { 'net.netfilter.nf_conntrack_tcp_be_liberal': name === 'liberal=1' ? 1 : 0 } },
    requests, resets, errors: resets > 0 ? { ECONNRESET: resets } : {}, durationSec: 10,
    throughputBytesPerSec: 1.3e9, requestsPerSec: requests / 10,
    latencyMs: { p50: 3, p90: 6, p99: 15, max: 200, mean: 4 }, evidence, ticks: [], disturbed,
  }]);
}

interface Case {
  name: string;
  arms: ArmResult[];
  options?: VerdictOptions;
  outcome: Verdict['outcome'];
  says: string[];
  saysNot?: string[];
  pValue?: 'null' | 'set';
  factor?: number | null;
}

const cases: Case[] = [
  { name: 'over-window 332 vs 0 is reproduced', arms: [arm('liberal=0', 102_751, 332, CHAIN), arm('liberal=1', 98_000, 0)],
    outcome: 'reproduced', pValue: 'set',
    says: ['332 resets in 102751 requests with liberal=0', '3231 per million', '0 resets in 98000 requests with liberal=1',
      'one-sided p < 1e-12 at alpha 0.01', '391 conntrack INVALID -> 380 leaked un-NATed segments -> 340 client RSTs -> 332 server resets'] },
  { name: 'resets without INVALID or leaks are another cause', arms: [arm('liberal=0', 102_751, 332), arm('liberal=1', 98_000, 0)],
    outcome: 'inconclusive', pValue: 'set',
    says: ['without any conntrack INVALID or un-NATed leak: another cause; not counted as reproduced'] },
  { name: 'conntrack flush 71 vs 128 is not fixed', arms: [arm('liberal=0', 95_000, 71), arm('liberal=1', 96_000, 128)],
    outcome: 'not-fixed', pValue: 'set',
    says: ['resets remain with liberal=1: 71 vs 128', 'another cause such as conntrack entry loss'] },
  { name: 'a significant but partial reduction is not fixed', arms: [arm('liberal=0', 100_000, 332, CHAIN), arm('liberal=1', 100_000, 20)],
    outcome: 'not-fixed', pValue: 'set', says: ['liberal=1 reduced resets from 332 to 20', 'but did not remove them'] },
  { name: 'no resets at all is not reproduced', arms: [arm('liberal=0', 100_000, 0), arm('liberal=1', 100_000, 0)],
    outcome: 'not-reproduced', pValue: 'set',
    says: ['no resets in 100000 requests with liberal=0; rate < 36.9 per million at 95%'], saysNot: ['6.1', 'Clean load'] },
  { name: 'below-window on 6.18 explains the kernel change',
    arms: [arm('liberal=0', 100_000, 0), arm('liberal=1', 100_000, 0)],
    options: { context: { faultKind: 'inject', offset: 'below-window', kernel: '6.18.44-generic' } },
    outcome: 'not-reproduced', says: ['Linux >= 6.1 (commit 6e250dcbff1d) ignores segments below the window'] },
  { name: 'below-window on 5.15 does not claim the 6.1 change',
    arms: [arm('liberal=0', 100_000, 0), arm('liberal=1', 100_000, 0)],
    options: { context: { faultKind: 'inject', offset: 'below-window', kernel: '5.15.0-105-generic' } },
    outcome: 'not-reproduced', says: ['no resets'], saysNot: ['6e250dcbff1d'] },
  { name: 'clean load is a control', arms: [arm('liberal=0', 500_000, 0), arm('liberal=1', 500_000, 0)],
    options: { context: { faultKind: 'none', kernel: '6.18.44' } },
    outcome: 'not-reproduced', says: ['Clean load control (no fault): no resets is the expected result.'] },
  { name: '2 vs 0 needs more traffic', arms: [arm('liberal=0', 100_000, 2, CHAIN), arm('liberal=1', 100_000, 0)],
    outcome: 'inconclusive', pValue: 'set', factor: 4, says: ['about 4× more traffic would decide', 'one-sided p = 0.25 at alpha 0.01'] },
  { name: 'a stray reset only with the fix arm is not evidence the fix fails', arms: [arm('liberal=0', 200_000, 0), arm('liberal=1', 200_000, 1)],
    options: { context: { faultKind: 'none' } },
    outcome: 'not-reproduced', pValue: 'set', says: ['1 stray reset(s) with liberal=1, not significantly more'] },
  { name: 'significantly more resets only with the fix arm is not fixed', arms: [arm('liberal=0', 200_000, 0), arm('liberal=1', 200_000, 12)],
    outcome: 'not-fixed', pValue: 'set', says: ['resets remain with liberal=1: 0 vs 12'] },
  { name: 'a stray baseline reset without kernel evidence is noise', arms: [arm('liberal=0', 200_000, 1), arm('liberal=1', 200_000, 0)],
    options: { context: { faultKind: 'none' } },
    outcome: 'not-reproduced', pValue: 'set', says: ['no conntrack INVALID or un-NATed leak behind them: noise'] },
  { name: 'a disturbed arm is inconclusive',
    arms: [arm('liberal=0', 102_751, 332, CHAIN, ['agent killed at deadline']), arm('liberal=1', 98_000, 0)],
    outcome: 'inconclusive', pValue: 'null', says: ['disturbed', 'liberal=0: trial 1: agent killed at deadline'] },
  { name: 'too few requests is inconclusive', arms: [arm('liberal=0', 1500, 30, CHAIN), arm('liberal=1', 98_000, 0)],
    outcome: 'inconclusive', pValue: 'null', says: ['too little traffic: 1500 requests with liberal=0'] },
  { name: 'minRequests is an option', arms: [arm('liberal=0', 1500, 30, CHAIN), arm('liberal=1', 1500, 0)],
    options: { minRequests: 1000 }, outcome: 'reproduced', says: ['30 resets in 1500 requests'] },
  { name: 'one arm is inconclusive', arms: [arm('liberal=0', 102_751, 332, CHAIN)],
    outcome: 'inconclusive', pValue: 'null', says: ['needs a baseline and a fix arm'] },
  { name: 'no arms is inconclusive', arms: [], outcome: 'inconclusive', pValue: 'null', says: ['needs a baseline and a fix arm'] },
];

describe('decideVerdict', () => {
  it.each(cases)('$name', (c) => {
    const v = decideVerdict(c.arms, c.options);
    expect(Verdict.parse(v)).toEqual(v);
    expect(v.outcome, v.explanation).toBe(c.outcome);
    for (const s of c.says) expect(v.explanation).toContain(s);
    for (const s of c.saysNot ?? []) expect(v.explanation).not.toContain(s);
    if (c.pValue === 'null') expect(v.pValue).toBeNull();
    if (c.pValue === 'set') expect(v.pValue).toBeTypeOf('number');
    if (c.factor !== undefined) expect(v.moreTrafficFactor).toBe(c.factor);
    expect(v.test).toBe(VERDICT_TEST);
    expect(v.alpha).toBe(c.options?.alpha ?? 0.01);
  });

  it('names baseline = first arm and fix = last arm', () => {
    const v = decideVerdict([arm('liberal=0', 1e5, 0), arm('middle', 1e5, 0), arm('liberal=1', 1e5, 0)]);
    expect([v.baseline, v.fix]).toEqual(['liberal=0', 'liberal=1']);
  });
});

describe('decideVerdict, sequential', () => {
  const seqCases: Case[] = [
    { name: 'over-window stopped early is reproduced, with an anytime-valid p', arms: [arm('liberal=0', 7989, 28, CHAIN), arm('liberal=1', 11_231, 0)],
      options: { sequential: {} }, outcome: 'reproduced', pValue: 'set',
      says: ['28 resets in 7989 requests with liberal=0', 'anytime-valid one-sided p', 'conntrack INVALID ->'] },
    { name: 'a clean control bounded below 200 per million', arms: [arm('liberal=0', 29_030, 0), arm('liberal=1', 37_620, 0)],
      options: { sequential: {} }, outcome: 'not-reproduced', says: ['both rates are below 200 per million', 'anytime-valid 99% upper bounds'],
      saysNot: ['would need'] },
    { name: 'a clean control on a slow machine, bounded below the rate a baseline would need', arms: [arm('liberal=0', 7000, 0), arm('liberal=1', 7000, 0)],
      options: { sequential: { maxSecPerArm: 10 } }, outcome: 'not-reproduced', says: ['the rate a baseline would need to be decided within its maximum duration'] },
    { name: 'a short control at its maximum still ends not-reproduced, with its 95% bound', arms: [arm('liberal=0', 5000, 0), arm('liberal=1', 5000, 0)],
      options: { sequential: {} }, outcome: 'not-reproduced', says: ['no resets in 5000 requests with liberal=0; rate <'] },
    { name: 'a few resets with the chain at the maximum: inconclusive, with more traffic', arms: [arm('liberal=0', 100_000, 4, CHAIN), arm('liberal=1', 100_000, 0)],
      options: { sequential: {} }, outcome: 'inconclusive', pValue: 'set', says: ['× more traffic would decide'] },
    { name: 'resets in both arms: not fixed', arms: [arm('liberal=0', 30_000, 14), arm('liberal=1', 30_000, 20)],
      options: { sequential: {} }, outcome: 'not-fixed', says: ['resets remain with liberal=1'] },
  ];
  it.each(seqCases)('$name', (c) => {
    const v = decideVerdict(c.arms, c.options);
    expect(Verdict.parse(v)).toEqual(v);
    expect(v.outcome, v.explanation).toBe(c.outcome);
    for (const s of c.says) expect(v.explanation).toContain(s);
    for (const s of c.saysNot ?? []) expect(v.explanation).not.toContain(s);
    if (c.pValue === 'set') expect(v.pValue).toBeTypeOf('number');
    expect(v.test).toBe(SEQUENTIAL_TEST);
    expect(v.sequential?.minRatePerMillion).toBe(200);
  });
  it('the anytime-valid p is never smaller than the fixed-sample one for the same counts', () => {
    for (const [r0, e0, r1, e1] of [[28, 7989, 0, 11_231], [4, 100_000, 0, 100_000], [40, 14_000, 3, 14_000]] as const) {
      const arms = [arm('liberal=0', e0, r0, CHAIN), arm('liberal=1', e1, r1)];
      expect(decideVerdict(arms, { sequential: {} }).pValue!).toBeGreaterThanOrEqual(decideVerdict(arms).pValue!);
    }
  });
});

describe('decideVerdict, arms', () => {
  it('names baseline = first arm and fix = last arm, sequential too', () => {
    const v = decideVerdict([arm('liberal=0', 1e5, 0), arm('middle', 1e5, 0), arm('liberal=1', 1e5, 0)], { sequential: {} });
    expect([v.baseline, v.fix]).toEqual(['liberal=0', 'liberal=1']);
  });

  it('rejects alpha outside (0, 1)', () => {
    expect(() => decideVerdict([], { alpha: 0 })).toThrow(RangeError);
  });
});

describe('formatting', () => {
  it.each([
    [0.25, '0.25'], [0.000976563, '0.000977'], [3.2347e-5, '3.23e-5'], [1e-12, '1.00e-12'], [7.6e-133, '< 1e-12'], [1, '1'],
  ])('formatP(%d) = %s', (p, want) => expect(formatP(p)).toBe(want));
  it.each([[0, '0'], [3.6888, '3.69'], [36.888, '36.9'], [3231.1, '3231'], [0.0253178, '0.0253']])(
    'formatRate(%d) = %s', (x, want) => expect(formatRate(x)).toBe(want));
  it.each([['6.18.44-generic', true], ['6.1.0', true], ['6.0.19', false], ['5.15.0-105', false], ['10.0', true], ['garbage', false]])(
    'kernelAtLeast(%s, 6.1) = %s', (release, want) => expect(kernelAtLeast(release, 6, 1)).toBe(want));
});
