import { describe, expect, it } from 'vitest';
import { fateRows, fateSentence } from './fates-text.js';
import type { ArmResult, Evidence } from './schema.js';

const fates = (over: Partial<NonNullable<Evidence['leakFates']>> = {}): NonNullable<Evidence['leakFates']> => ({
  segments: 67, repeats: 8, connections: 59, econnreset: 45, otherError: 0, closed: 0, timedOut: 0, hungAtStop: 14, survived: 0, unmatched: 0, serverAnsweredRst: 59, ...over,
});
const arm = (name: string, resets: number, leakFates?: NonNullable<Evidence['leakFates']>): ArmResult => ({
  name, sysctls: {}, requests: 2118, resets, errors: {}, throughputBytesPerSec: 0, requestsPerSec: 0,
  latencyMs: { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 },
  evidence: { injected: 67, conntrackInvalid: 134, invalidDropped: 0, leakedUnNatted: leakFates?.segments ?? 0, clientRstsSent: 67, serverResets: leakFates ? 59 : 0, ...(leakFates ? { leakFates } : {}) },
  resetRate: { perMillion: 0, low: 0, high: 0 }, trials: [], disturbed: [],
});

describe('fateRows', () => {
  it('shows the identified leaks, the connections and each fate some arm has', () => {
    const rows = fateRows([arm('liberal=0', 45, fates()), arm('liberal=1', 0, fates({ segments: 0, repeats: 0, connections: 0, econnreset: 0, hungAtStop: 0, serverAnsweredRst: 0 }))]);
    expect(rows.map((r) => [r.label.trim(), ...r.cells])).toEqual([
      ['-> leaked segments seen answered (RST capture)', '67 (8 repeats)', '0'],
      ['-> requests they hit (one per connection)', '59', '0'],
      ['ECONNRESET seen by the client', '45', '0'],
      ['hung until the load stopped', '14', '0'],
    ]);
  });

  it('adds nothing when no arm has fates (older reports, faults without a capture)', () => {
    expect(fateRows([arm('a', 0), arm('b', 0)])).toEqual([]);
  });
});

describe('fateSentence', () => {
  it('names the fate that took the resets the client did not see', () => {
    const s = fateSentence(arm('liberal=0', 45, fates()))!;
    expect(s).toContain('tied 67 client RSTs to forged segments (8 of them hit a request again');
    expect(s).toContain('on 59 connections: 45 ended with ECONNRESET at the client; 14 still waiting for a response when the load stopped');
    expect(s).toContain('The server counted 59 connection resets, the client saw 45 ECONNRESET; the rest: 14 hung until the load stopped.');
  });

  it('says nothing for arms without leaks', () => {
    expect(fateSentence(arm('liberal=1', 0, fates({ segments: 0 })))).toBeNull();
    expect(fateSentence(arm('liberal=1', 0))).toBeNull();
  });
});
