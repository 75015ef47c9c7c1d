import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withLock } from './lock.js';

const dir = mkdtempSync(join(tmpdir(), 'rl-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('withLock', () => {
  it('serialises two holders of one lock and removes the file afterwards', async () => {
    const path = join(dir, 'a.lock');
    const order: string[] = [];
    const job = (name: string) =>
      withLock(path, async () => {
        order.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${name} out`);
      });
    await Promise.all([job('x'), job('y')]);
    expect(order).toEqual(['x in', 'x out', 'y in', 'y out']);
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock whose holder is dead', async () => {
    const path = join(dir, 'stale.lock');
    writeFileSync(path, '999999999');
    expect(await withLock(path, async () => 'mine')).toBe('mine');
  });

  it('waits for a live holder, tells once, and gives up at the timeout', async () => {
    const path = join(dir, 'live.lock');
    writeFileSync(path, String(process.ppid));
    const waits: number[] = [];
    await expect(withLock(path, async () => 1, { timeoutMs: 100, onWait: (pid) => waits.push(pid) })).rejects.toThrow(/still held by pid/);
    expect(waits).toEqual([process.ppid]);
    rmSync(path);
  });

  it('releases the lock when the function throws', async () => {
    const path = join(dir, 'throw.lock');
    await expect(withLock(path, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(existsSync(path)).toBe(false);
  });
});
