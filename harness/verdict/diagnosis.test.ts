import { describe, expect, it } from 'vitest';
import type { ArmResult, Evidence, FixJudgement } from '../report/schema.js';
import { diagnose } from './diagnosis.js';
import { poolArm } from './pool.js';
import { decideVerdict } from './verdict.js';

const BASE: Evidence = { injected: 0, conntrackInvalid: 0, invalidDropped: 0, leakedUnNatted: 0, clientRstsSent: 0, serverResets: 0 };

function arm(name: string, requests: number, resets: number, evidence: Partial<Evidence> = {}, faultDetails?: Record<string, unknown>): ArmResult {
  return poolArm(name, [{
    trial: 1, sysctlsByNode: { 'node-a': {} }, requests, resets, errors: {}, durationSec: 60,
    throughputBytesPerSec: 1e6, requestsPerSec: requests / 60, latencyMs: { p50: 1, p90: 1, p99: 1, max: 1, mean: 1 },
    evidence: { ...BASE, ...evidence }, ...(faultDetails ? { faultDetails } : {}), ticks: [], disturbed: [],
  }]);
}

const fixed = (a: string): FixJudgement => ({ arm: a, judgement: 'fixed', outcome: 'reproduced', pValue: 0.001, explanation: '' });
const notFixed = (a: string): FixJudgement => ({ arm: a, judgement: 'not-fixed', outcome: 'not-fixed', pValue: 0.001, explanation: '' });

describe('diagnose', () => {
  it.each([
    ['over window (leaks + INVALID)', arm('b', 9000, 30, { injected: 40, conntrackInvalid: 40, leakedUnNatted: 38, clientRstsSent: 36, serverResets: 30 }), 'out-of-window'],
    ['idle expiry (expired + VIP RSTs, no INVALID)', arm('b', 2039, 76, { ipvsExpired: 80, vipResetsReceived: 76, nodeRstsSent: 76 }), 'idle-expiry'],
    // The 6.1 guest baseline (check --driver vm --kernel 6.1, 2026-12-01): leaks and INVALID come with it.
    ['idle expiry with replies to forgotten connections leaking', arm('b', 2056, 106, { ipvsExpired: 281, vipResetsReceived: 289, nodeRstsSent: 289, leakedUnNatted: 146, conntrackInvalid: 366, clientRstsSent: 435, serverResets: 146 }), 'idle-expiry'],
    ['expired entries without node-a sending RSTs: unexplained', arm('b', 2039, 76, { ipvsExpired: 80, vipResetsReceived: 76 }), 'unexplained'],
    ['fewer VIP RSTs than resets: unexplained', arm('b', 2039, 76, { ipvsExpired: 80, vipResetsReceived: 20, nodeRstsSent: 20 }), 'unexplained'],
    ['expired entries but no VIP RST: unexplained', arm('b', 2039, 76, { ipvsExpired: 80, vipResetsReceived: 0, nodeRstsSent: 0 }), 'unexplained'],
    ['conntrack loss (entries deleted + leaks)', arm('b', 9000, 71, { leakedUnNatted: 90, conntrackInvalid: 5 }, { flushes: 5, entriesDeleted: 250 }), 'conntrack-loss'],
    ['leaks without INVALID or deletions: unexplained', arm('b', 9000, 71, { leakedUnNatted: 90 }), 'unexplained'],
    ['resets with no counter behind them: unexplained', arm('b', 9000, 5, {}), 'unexplained'],
    ['no resets: none', arm('b', 9000, 0, { conntrackInvalid: 40 }), 'none'],
  ] as const)('%s', (_n, baseline, cause) => {
    expect(diagnose(baseline, []).cause).toBe(cause);
  });

  it('names the counters when unexplained, and the fix arms that fixed or did not', () => {
    const d = diagnose(arm('b', 9000, 5, { clientRstsSent: 2 }), [notFixed('liberal=1'), fixed('keepalive=1s')]);
    expect(d.explanation).toMatch(/unexplained: the counters match no known cause \(resets 5, conntrackInvalid 0, leakedUnNatted 0, clientRstsSent 2, serverResets 0\)/);
    expect(d.explanation).toMatch(/Fixed by keepalive=1s; not fixed by liberal=1\./);
    expect(d.fixedBy).toEqual(['keepalive=1s']);
  });

  it('says be_liberal does not apply to idle expiry', () => {
    expect(diagnose(arm('b', 2039, 76, { ipvsExpired: 80, vipResetsReceived: 76, nodeRstsSent: 76 }), []).explanation).toMatch(/be_liberal does not apply/);
    expect(diagnose(arm('b', 2056, 106, { ipvsExpired: 281, vipResetsReceived: 289, nodeRstsSent: 289, leakedUnNatted: 146, conntrackInvalid: 366 }), []).explanation)
      .toMatch(/Also 146 replies leaked un-NATed and 366 segments were INVALID/);
  });
});

describe('decideVerdict with fix arms', () => {
  const idle = { ipvsExpired: 80, vipResetsReceived: 76, nodeRstsSent: 76 };
  // Counts as measured in a 6.1 guest (ipvs-idle-expiry, IPVS mode).
  const arms = [arm('liberal=0', 2039, 76, idle), arm('liberal=1', 2055, 71, idle), arm('keepalive=1s', 2010, 0), arm('ipvs-tcp-timeout=30s', 2020, 0)];

  it('judges every fix arm against the baseline and names idle expiry', () => {
    const v = decideVerdict(arms, { sequential: {} });
    expect(v.outcome).toBe('reproduced');
    expect(v.fixes?.map((f) => [f.arm, f.judgement])).toEqual([['liberal=1', 'not-fixed'], ['keepalive=1s', 'fixed'], ['ipvs-tcp-timeout=30s', 'fixed']]);
    expect(v.diagnosis?.cause).toBe('idle-expiry');
    expect(v.diagnosis?.fixedBy).toEqual(['keepalive=1s', 'ipvs-tcp-timeout=30s']);
    expect(v.explanation).toMatch(/80 IPVS entries expired while established -> 76 RSTs from the VIP/);
    expect(v.explanation).toMatch(/Each fix arm against liberal=0: liberal=1 not fixed; keepalive=1s fixed; ipvs-tcp-timeout=30s fixed\./);
  });

  it('two arms keep their outcome and carry no fixes list', () => {
    const v = decideVerdict([arms[0]!, arms[1]!], { sequential: {} });
    expect(v.outcome).toBe('not-fixed');
    expect(v.fixes).toBeUndefined();
    expect(v.diagnosis?.cause).toBe('idle-expiry');
    expect(v.diagnosis?.fixedBy).toEqual([]);
  });

  it('without the IPVS counters, resets with no INVALID or leak stay inconclusive (another cause)', () => {
    const v = decideVerdict([arm('liberal=0', 2039, 76), arm('keepalive=1s', 2010, 0)], { sequential: {} });
    expect(v.outcome).toBe('inconclusive');
    expect(v.diagnosis?.cause).toBe('unexplained');
  });

  it('a fix arm with too little traffic is inconclusive, the others still judged', () => {
    const v = decideVerdict([arms[0]!, arm('short', 500, 0), arms[2]!], { sequential: {} });
    expect(v.fixes?.map((f) => f.judgement)).toEqual(['inconclusive', 'fixed']);
  });
});
