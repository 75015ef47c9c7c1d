import { describe, expect, it } from 'vitest';
import { injectorTotals, OVERHEAD_INJECT_RATE, overheadInjectOptions, scenarioInjectRate } from './steps.js';

describe('the overhead variant runs the injector as scenarios do, without sending', () => {
  it('uses the scenarios\' default rate (50/s), as a dry run bounded by the trial', () => {
    expect(scenarioInjectRate()).toBe(50);
    expect(OVERHEAD_INJECT_RATE).toBe(50);
    expect(overheadInjectOptions(5)).toEqual({ offset: 'below-window', ratePerSecond: 50, deadlineMs: 20_000, dryRun: true });
  });

  it('sums what the dry-run injector did and keeps why a trial was disturbed', () => {
    const t = injectorTotals([
      { injected: 0, details: { dryRun: true, wouldHaveSent: 240, sniffed: 5000 } },
      { injected: 0, details: { dryRun: true, wouldHaveSent: 250, sniffed: 5100 } },
      { injected: 0, details: { sniffed: undefined }, disturbed: 'the inject agent was killed at its deadline' },
    ]);
    expect(t).toEqual({ injected: 0, wouldHaveSent: 490, sniffed: 10_100, disturbed: ['overhead trial 3: the inject agent was killed at its deadline'] });
  });
});
