import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from './progress.js';
import { taggedProgress } from './run-each.js';

describe('taggedProgress (scenarios side by side)', () => {
  it('tags phases, arm starts and arm ends with the scenario, one line each, and drops live ticks', () => {
    const seen: ProgressEvent[] = [];
    const p = taggedProgress('over-window', (e) => seen.push(e));
    p({ type: 'phase', message: 'provisioning the lab for over-window' });
    p({ type: 'arm-start', arm: 'liberal=0', trial: 1, trials: 1, durationSec: 4 });
    p({ type: 'tick', arm: 'liberal=0', trial: 1, second: 1, durationSec: 4, requestsPerSec: 900, resetsSoFar: 0 });
    p({ type: 'arm-end', arm: 'liberal=0', trial: 1, requests: 2252, resets: 0 });
    expect(seen).toEqual([
      { type: 'phase', message: '[over-window] provisioning the lab for over-window' },
      { type: 'phase', message: '[over-window] arm liberal=0 (trial 1/1), 4s of load' },
      { type: 'phase', message: '[over-window] liberal=0: 2252 requests, 0 resets' },
    ]);
  });
});
