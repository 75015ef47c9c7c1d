import { describe, expect, it } from 'vitest';
import type { ArmResult, Evidence } from '../report/schema.js';
import { poolArm } from './pool.js';
import { decideVerdict, VERDICT_TEST } from './verdict.js';
import { countedArm, unseenResets, UNSEEN_TEST_NOTE } from './unseen.js';

/** The 5.10 guest's below-window arms (test/fixtures/fates/below-window-5.10.json): 16 leaked, 3 ECONNRESET, 13 request timeouts. */
const LEAKS: Evidence = {
  injected: 258, conntrackInvalid: 32, invalidDropped: 0, leakedUnNatted: 16, injectedNatted: 242, clientRstsSent: 16, serverResets: 16,
  leakFates: { segments: 16, repeats: 0, connections: 16, econnreset: 3, otherError: 0, closed: 0, timedOut: 13, hungAtStop: 0, survived: 0, unmatched: 0, serverAnsweredRst: 16 },
};
const CLEAN: Evidence = { injected: 205, conntrackInvalid: 0, invalidDropped: 0, leakedUnNatted: 0, injectedNatted: 205, clientRstsSent: 0, serverResets: 0 };

function arm(name: string, requests: number, resets: number, evidence: Evidence): ArmResult {
  return poolArm(name, [{
    trial: 1, sysctlsByNode: {}, requests, resets, errors: {}, durationSec: 100, throughputBytesPerSec: 1e5, requestsPerSec: requests / 100,
    latencyMs: { p50: 1, p90: 1, p99: 1, max: 1, mean: 1 }, evidence, ticks: [], disturbed: [],
  }]);
}

describe('unseen resets', () => {
  const baseline = arm('liberal=0', 3164, 3, LEAKS);
  const fix = arm('liberal=1', 2255, 0, CLEAN);

  it('are the leaked connections that timed out or hung until the stop', () => {
    expect(unseenResets(baseline)).toBe(13);
    expect(unseenResets(fix)).toBe(0);
    expect(countedArm(baseline)).toMatchObject({ resets: 16, requests: 3164 });
    expect(countedArm(fix)).toBe(fix);
  });

  it('count in the verdict, which says so in its test and explanation', () => {
    const v = decideVerdict([baseline, fix]);
    expect(v.outcome).toBe('reproduced');
    expect(v.test).toBe(VERDICT_TEST + UNSEEN_TEST_NOTE);
    expect(v.explanation).toContain('16 resets (3 ECONNRESET + 13 the client had not seen) in 3164 requests with liberal=0');
    // Counting only ECONNRESET, the same arms could not decide.
    const { leakFates: _, ...noFates } = LEAKS;
    const old = decideVerdict([arm('liberal=0', 3164, 3, noFates), fix]);
    expect(old.outcome).toBe('inconclusive');
    expect(old.test).toBe(VERDICT_TEST);
  });
});
