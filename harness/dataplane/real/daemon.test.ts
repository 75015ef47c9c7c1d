import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import { startDaemon } from './daemon.js';

/** The process state letter from /proc/PID/stat (S sleeping, T stopped). */
const state = (pid: number) => {
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3);
};
const settle = () => new Promise((r) => setTimeout(r, 100));

describe('a daemon paused for the load', () => {
  it('SIGSTOP stops it, SIGCONT continues it, and stop() ends it even while it is paused', async () => {
    const d = startDaemon('sleeper', ['sleep', '30'], join(tempDir('daemon'), 'sleeper.log'));
    await settle();
    expect(state(d.pid)).toBe('S');
    d.signal('SIGSTOP');
    await settle();
    expect(state(d.pid)).toBe('T');
    d.signal('SIGCONT');
    await settle();
    expect(state(d.pid)).toBe('S');
    d.signal('SIGSTOP');
    await settle();
    const exit = await d.stop(2000);
    expect(exit.signal).toBe('SIGTERM');
    d.signal('SIGCONT'); // after the exit: nothing, no throw
  });
});
