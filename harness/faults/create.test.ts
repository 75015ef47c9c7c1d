import { describe, expect, it } from 'vitest';
import { validateScenario } from '../scenario/schema.js';
import { minRequestsOf } from '../run/run-scenario.js';
import { faultMinExposureMs, faultMinRequests } from './create.js';

const scenario = (extra: Record<string, unknown>) => {
  const r = validateScenario({ name: 'x', fault: { kind: 'none' }, ...extra }, 'x.yaml', 'x.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
};

describe('how much an arm needs before the fault has acted', () => {
  it('idle expiry: every connection through three gaps and one request more; the verdict minimum when that is less', () => {
    const idle = (afterRequests: number) => scenario({ load: { connections: 40, duration: '300s', idle: { afterRequests, gap: '6s' } }, fault: { kind: 'ipvs-idle-expiry', tcpTimeoutSec: 3 } });
    expect(faultMinRequests(idle(10).fault, idle(10).load)).toBe(40 * 31);
    expect(minRequestsOf(idle(10))).toBe(2000);
    // With a gap every 50 responses, 2000 requests end before any connection's first gap (the defect of c35df68).
    expect(minRequestsOf(idle(50))).toBe(40 * 151);
    expect(faultMinExposureMs(idle(50).fault, idle(50).load)).toBe(18_000);
  });

  it('faults that act from the start add nothing', () => {
    const s = scenario({ fault: { kind: 'inject', offset: 'above-window', ratePerSecond: 50 } });
    expect(faultMinRequests(s.fault, s.load)).toBe(0);
    expect(minRequestsOf(s)).toBe(2000);
  });
});
