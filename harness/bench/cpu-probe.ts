/**
 * Per-trial CPU windows from the pipeline's progress events: a snapshot of /proc/softirqs and
 * /proc/stat at every load tick of an arm (ticks come once a second while the load runs), and
 * at the arm's end the difference between its first and last tick. Starting at the first tick
 * leaves the agent's start-up out; ending at the last leaves its teardown out. With a single
 * tick (very short arms) the window starts at the arm's start instead. Read-only.
 */
import type { ProgressEvent } from '../run/progress.js';
import { cpuWindow, readCpuSnapshot, type CpuSnapshot, type CpuWindow } from './proc-cpu.js';

/** Key of a trial's CPU window: `<arm name>#<trial>`. */
export const windowKey = (arm: string, trial: number): string => `${arm}#${trial}`;

/**
 * Returns a progress listener that fills `windows` (key `windowKey(arm, trial)`; null when the
 * trial had no tick at all). `read` is injectable for tests.
 */
export function cpuProbe(windows: Map<string, CpuWindow[] | null>, read: () => CpuSnapshot = readCpuSnapshot): (e: ProgressEvent) => void {
  let start: CpuSnapshot | null = null;
  let first: CpuSnapshot | null = null;
  let last: CpuSnapshot | null = null;
  return (e) => {
    if (e.type === 'arm-start') {
      start = read();
      first = null;
      last = null;
    } else if (e.type === 'tick') {
      const snap = read();
      if (first === null) first = snap;
      else last = snap;
    } else if (e.type === 'arm-end') {
      const from = last ? first : start;
      const to = last ?? first;
      windows.set(windowKey(e.arm, e.trial), from && to ? cpuWindow(from, to) : null);
    }
  };
}
