import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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

  describe('a start that never reached the agent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-agent-start-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const NEVER = 'error: unable to upgrade connection: Authorization error (user=kube-apiserver-kubelet-client, verb=create, resource=nodes, subresource=proxy)';
    /** A client that fails like a never-set-up exec for its first `fails` starts (counted in a file), then runs the agent. */
    const flaky = (name: string, fails: number, stderr = NEVER, stdoutFirst = '') =>
      node(`const fs = require('fs'); const f = ${JSON.stringify(join(dir, name))}; const n = fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0; fs.writeFileSync(f, String(n + 1));
        if (n < ${fails}) { if (${JSON.stringify(stdoutFirst)}) console.log(${JSON.stringify(stdoutFirst)}); console.error(${JSON.stringify(stderr)}); process.exit(1); }
        ${READY} console.log(${JSON.stringify(RESULT)});`);
    const starts = (name: string) => Number(readFileSync(join(dir, name), 'utf8'));
    const retry = (said: string[], attempts = 4) => ({ neverStarted: (r: { stderr: string }) => /unable to upgrade connection/.test(r.stderr), attempts, delayMs: 20, say: (l: string) => said.push(l) });

    it('is started again, and the agent then runs as if the first start had worked', async () => {
      const said: string[] = [];
      const a = startAgentProcess('server', flaky('twice', 2), 20_000, { retryStart: retry(said) });
      await a.ready;
      const out = await a.finished;
      expect(out.result).toMatchObject({ requests: 42 });
      expect(starts('twice')).toBe(3);
      expect(said).toHaveLength(2);
      expect(said[0]).toMatch(/server agent: its start never reached the agent \(error: unable to upgrade connection.*\); start 2\/4/);
    });

    it('gives up after its attempts, with the last failure', async () => {
      const a = startAgentProcess('server', flaky('always', 99), 20_000, { retryStart: retry([], 3) });
      await expect(a.ready).rejects.toThrow(/unable to upgrade connection/);
      expect(starts('always')).toBe(3);
    });

    it('is not tried again when the client printed anything, or failed otherwise (the agent may have run)', async () => {
      const printed = startAgentProcess('server', flaky('printed', 1, NEVER, '{"event":"log"}'), 20_000, { retryStart: retry([]) });
      await expect(printed.ready).rejects.toThrow(/unable to upgrade connection/);
      expect(starts('printed')).toBe(1);
      const other = startAgentProcess('server', flaky('other', 1, 'error: read tcp: connection reset by peer'), 20_000, { retryStart: retry([]) });
      await expect(other.ready).rejects.toThrow(/connection reset by peer/);
      expect(starts('other')).toBe(1);
    });
  });
});
