import { describe, expect, it } from 'vitest';
import { CleanupStack } from './cleanup-stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CleanupStack', () => {
  it('runs undo actions newest first and empties itself', async () => {
    const stack = new CleanupStack();
    const order: string[] = [];
    for (const name of ['owner file', 'namespace client', 'namespace node-a', 'agent']) {
      stack.push(name, async () => void order.push(name));
    }
    expect(stack.size).toBe(4);
    expect(await stack.unwind()).toEqual([]);
    expect(order).toEqual(['agent', 'namespace node-a', 'namespace client', 'owner file']);
    expect(stack.size).toBe(0);
    expect(await stack.unwind()).toEqual([]);
    expect(order).toHaveLength(4);
  });

  it('awaits each action before starting the next (one at a time)', async () => {
    const stack = new CleanupStack();
    const events: string[] = [];
    stack.push('slow-old', async () => {
      events.push('start old');
      await sleep(1);
      events.push('end old');
    });
    stack.push('slow-new', async () => {
      events.push('start new');
      await sleep(20);
      events.push('end new');
    });
    await stack.unwind();
    expect(events).toEqual(['start new', 'end new', 'start old', 'end old']);
  });

  it('collects errors as "failed to remove <label>: <message>" and still runs every action', async () => {
    const stack = new CleanupStack();
    const ran: string[] = [];
    stack.push('owner file of rl-0a1b2c', async () => void ran.push('owner'));
    stack.push('network namespace rl-0a1b2c-client', async () => {
      ran.push('client');
      throw new Error('Device or resource busy');
    });
    stack.push('network namespace rl-0a1b2c-server', () => {
      ran.push('server');
      return Promise.reject(new Error('permission denied'));
    });
    await expect(stack.unwind()).resolves.toEqual([
      'failed to remove network namespace rl-0a1b2c-server: permission denied',
      'failed to remove network namespace rl-0a1b2c-client: Device or resource busy',
    ]);
    expect(ran).toEqual(['server', 'client', 'owner']);
    expect(stack.size).toBe(0);
  });

  it('does not throw when an undo throws synchronously', async () => {
    const stack = new CleanupStack();
    stack.push('agent', (() => {
      throw new Error('kill failed');
    }) as () => Promise<void>);
    await expect(stack.unwind()).resolves.toEqual(['failed to remove agent: kill failed']);
  });

  it('runs actions pushed while unwinding, before the older ones', async () => {
    const stack = new CleanupStack();
    const order: string[] = [];
    stack.push('old', async () => void order.push('old'));
    stack.push('new', async () => {
      order.push('new');
      stack.push('late', async () => void order.push('late'));
    });
    await stack.unwind();
    expect(order).toEqual(['new', 'late', 'old']);
  });
});
