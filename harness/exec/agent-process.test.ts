import { describe, expect, it } from 'vitest';
import { startAgentProcess } from './agent-process.js';

// Real local processes stand in for `kubectl exec`: a client whose stream ends before the agent's result.
const node = (code: string) => [process.execPath, '-e', code];
const READY = `console.log(JSON.stringify({ event: 'ready' }));`;
const RESULT = JSON.stringify({ event: 'result', requests: 42 });

describe('an agent reached through a client process (kube: kubectl exec)', () => {
  it('takes the result from the agent\'s own output when the client ends without one', async () => {
    let asked = 0;
    const a = startAgentProcess('load', node(`${READY} process.exit(0)`), 20_000, {
      afterClientEnd: async () => {
        asked += 1;
        return `{"event":"ready"}\n${RESULT}\n`;
      },
    });
    await a.ready;
    const out = await a.finished;
    expect(asked).toBe(1);
    expect(out.result).toMatchObject({ event: 'result', requests: 42 });
    expect(out.recovered).toMatch(/events file/);
    expect(out.killedAtDeadline).toBe(false);
  });

  it('never asks when the stream carried the result, and says nothing was recovered', async () => {
    let asked = 0;
    const a = startAgentProcess('load', node(`${READY} console.log(${JSON.stringify(RESULT)})`), 20_000, { afterClientEnd: async () => (asked++, null) });
    const out = await a.finished;
    expect(out.result).toMatchObject({ requests: 42 });
    expect(out.recovered).toBeUndefined();
    expect(asked).toBe(0);
  });

  it('still stops the agent after its client ended, and a client killed after the stop is no deadline kill', async () => {
    let stops = 0;
    let release!: () => void;
    const agentGone = new Promise<void>((r) => (release = r));
    // A client that ignores SIGTERM and outlives the grace: stop() must kill it without calling that a deadline kill.
    const a = startAgentProcess('server', node(`process.on('SIGTERM', () => {}); ${READY} setTimeout(() => {}, 60000)`), 60_000, {
      stop: () => {
        stops += 1;
        release();
      },
      afterClientEnd: async () => (await agentGone, `${RESULT}\n`),
    });
    await a.ready;
    const out = await a.stop(300);
    expect(stops).toBe(1);
    expect(out.signal).toBe('SIGKILL');
    expect(out.killedAtDeadline).toBe(false);
    expect(out.result).toMatchObject({ requests: 42 });
  });

  it('calls stop even when the client had already ended (the agent runs on)', async () => {
    let stops = 0;
    let release!: () => void;
    const gone = new Promise<void>((r) => (release = r));
    const a = startAgentProcess('server', node(`${READY} process.exit(0)`), 60_000, {
      stop: () => {
        stops += 1;
        release();
      },
      afterClientEnd: async () => (await gone, `${RESULT}\n`),
    });
    await a.ready;
    await new Promise((r) => setTimeout(r, 300));
    const out = await a.stop(300);
    expect(stops).toBe(1);
    expect(out.result).toMatchObject({ requests: 42 });
  });

  it('a kill (cleanup) aborts the wait for the agent at once', async () => {
    let aborted = false;
    let waiting!: () => void;
    const waited = new Promise<void>((r) => (waiting = r));
    const a = startAgentProcess('inject', node(`${READY} process.exit(0)`), 60_000, {
      afterClientEnd: (signal) =>
        new Promise((resolve) => {
          waiting();
          signal.addEventListener('abort', () => ((aborted = true), resolve(null)), { once: true });
        }),
    });
    await a.ready;
    await waited;
    a.kill();
    const out = await a.finished;
    expect(aborted).toBe(true);
    expect(out.result).toBeNull();
  });

  it('without afterClientEnd, a client that outlives the stop grace is a deadline kill (local agents, unchanged)', async () => {
    const a = startAgentProcess('server', node(`process.on('SIGTERM', () => {}); ${READY} setTimeout(() => {}, 60000)`), 60_000);
    await a.ready;
    const out = await a.stop(300);
    expect(out, JSON.stringify(out)).toMatchObject({ killedAtDeadline: true, signal: 'SIGKILL', result: null });
  });
});
