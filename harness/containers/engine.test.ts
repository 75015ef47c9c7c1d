import { describe, expect, it } from 'vitest';
import type { StartedAgent } from '../exec/agent-process.js';
import { deferredAgent } from './engine.js';

/** A handle that records what was called on it. */
function handle(calls: string[]): StartedAgent {
  const finished = Promise.resolve({ result: { event: 'result', served: 3 }, killedAtDeadline: false, stderr: '' });
  return {
    name: 'server',
    ready: Promise.resolve({ event: 'ready', port: 8080 }),
    finished,
    onTick: () => void calls.push('onTick'),
    onCount: () => void calls.push('onCount'),
    stop: async (grace) => {
      calls.push(`stop ${grace}`);
      return finished;
    },
    kill: () => void calls.push('kill'),
  };
}

describe('deferredAgent', () => {
  it('forwards everything to the handle once it exists', async () => {
    const calls: string[] = [];
    const a = deferredAgent('server', Promise.resolve(handle(calls)));
    a.onTick(() => undefined);
    expect(await a.ready).toEqual({ event: 'ready', port: 8080 });
    expect((await a.stop(2000)).result).toEqual({ event: 'result', served: 3 });
    await a.kill();
    expect(calls).toEqual(['onTick', 'stop 2000', 'kill']);
  });

  it('a handle that never came: ready rejects, finished and stop report no result, kill is quiet', async () => {
    const a = deferredAgent('load', Promise.reject(new Error('failed to reach a container engine: no socket')));
    await expect(a.ready).rejects.toThrow(/no socket/);
    expect(await a.finished).toEqual({ result: null, killedAtDeadline: false, stderr: 'failed to reach a container engine: no socket' });
    expect((await a.stop()).result).toBeNull();
    await expect(a.kill()).resolves.toBeUndefined();
  });
});
