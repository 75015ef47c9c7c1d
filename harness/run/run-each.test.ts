import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../repo-root.js';
import type { ProgressEvent } from './progress.js';
import { runEachOptions, taggedProgress } from './run-each.js';

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

describe('runEachOptions (what every driver hands runEach)', () => {
  it("carries the guest's --time-scale and the stopping mode", () => {
    expect(runEachOptions({ timeScale: '16.3' })).toMatchObject({ timeScale: 16.3, stopping: { kind: 'sequential' } });
    expect(runEachOptions({ fixed: true })).toMatchObject({ timeScale: 1, stopping: { kind: 'fixed' } });
  });

  it('is what the netns, kind and kube drivers run with (a kube run in a guest lost its scale: agents killed at bare-metal deadlines)', () => {
    for (const driver of ['netns', 'kind', 'kube']) {
      const src = readFileSync(`${REPO_ROOT}/harness/lab/${driver}/driver.ts`, 'utf8');
      const calls = [...src.matchAll(/runEach\(\{([^}]*)\}/g)].map((m) => m[1] ?? '');
      expect(calls.length, driver).toBeGreaterThan(0);
      // Either inline or through one `const options = runEachOptions(flags)`.
      const named = /const options = runEachOptions\(flags\);/.test(src);
      for (const c of calls) expect(c.includes('...runEachOptions(flags)') || (named && c.includes('...options')), `${driver}: ${c}`).toBe(true);
    }
  });
});
