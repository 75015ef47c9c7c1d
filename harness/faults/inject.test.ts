import { describe, expect, it } from 'vitest';
import { INJECT_MARKER } from '../lab/evidence.js';
import type { Lab } from '../lab/lab.js';
import { injectAgentArgs, injectReport, tryRstCapture, type InjectOptions } from './inject.js';

const sending: InjectOptions = { offset: 'above-window', ratePerSecond: 50, deadlineMs: 20_000 };
const dry: InjectOptions = { offset: 'below-window', ratePerSecond: 50, deadlineMs: 20_000, dryRun: true };

describe('InjectFault options', () => {
  it('passes dryRun to the agent only when asked, with the same rate and count bound', () => {
    expect(injectAgentArgs(sending, 8080)).toEqual({ serverPort: 8080, offset: 10_000_000, ratePerSecond: 50, maxSegments: 1001, payloadBytes: 100, marker: INJECT_MARKER });
    expect(injectAgentArgs(dry, 8080)).toEqual({ serverPort: 8080, offset: -100_000, ratePerSecond: 50, maxSegments: 1001, payloadBytes: 100, marker: INJECT_MARKER, dryRun: true });
  });

  it('a dry run reports wouldHaveSent in details and injects nothing', () => {
    const result = { event: 'result', sent: 0, sendErrors: 0, wouldHaveSent: 248, sniffed: 5100, connections: 50, dryRun: true };
    expect(injectReport(dry, { result, killedAtDeadline: false, stderr: '' })).toEqual({
      injected: 0,
      details: { offset: -100_000, sniffed: 5100, connectionsHit: 50, sendErrors: 0, dryRun: true, wouldHaveSent: 248 },
      disturbed: undefined,
    });
  });

  it('a sending run reports sent as injected, without dry-run fields; a dead agent disturbs the arm', () => {
    const result = { event: 'result', sent: 240, sendErrors: 1, wouldHaveSent: 0, sniffed: 5000, connections: 48, dryRun: false };
    const r = injectReport(sending, { result, killedAtDeadline: false, stderr: '' });
    expect(r.injected).toBe(240);
    expect(r.details).not.toHaveProperty('wouldHaveSent');
    expect(injectReport(dry, { result: null, killedAtDeadline: false, stderr: 'boom\n' }).disturbed).toBe('the inject agent died without a result: boom');
    expect(injectReport(dry, { result: null, killedAtDeadline: true, stderr: '' }).disturbed).toBe('the inject agent was killed at its deadline');
  });
});

describe('tryRstCapture', () => {
  it('a node that cannot wrap a local process (kind, kube) gives no capture and says why, instead of failing the arm', () => {
    const server = { role: 'server', id: 'rl-0a1b2c-worker/pod', exec: () => Promise.reject(new Error('unused')), wrap: () => { throw new Error('failed to wrap a command for rl-0a1b2c-worker/pod: kind nodes start long-running processes in containers (spawnAgent)'); } };
    const lab = { nodes: { server }, addresses: { serverPort: 8080 } } as unknown as Pick<Lab, 'nodes' | 'addresses'>;
    expect(tryRstCapture(lab, sending)).toEqual({ problem: 'no RST capture: failed to wrap a command for rl-0a1b2c-worker/pod: kind nodes start long-running processes in containers (spawnAgent)' });
  });
});
