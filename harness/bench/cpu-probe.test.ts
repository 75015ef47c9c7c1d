import { describe, expect, it } from 'vitest';
import { cpuProbe, windowKey } from './cpu-probe.js';
import type { CpuSnapshot, CpuWindow } from './proc-cpu.js';

function snap(atMs: number, softirq: number, netRx: number): CpuSnapshot {
  return { atMs, softirqs: { NET_RX: [netRx] }, stat: { 0: { user: atMs / 10 - softirq, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq, steal: 0 } } };
}

describe('cpuProbe', () => {
  it('measures from the first to the last tick of each arm', () => {
    const reads = [snap(500, 0, 0), snap(1000, 10, 100), snap(2000, 60, 600), snap(3000, 110, 1100)];
    const windows = new Map<string, CpuWindow[] | null>();
    const probe = cpuProbe(windows, () => reads.shift()!);
    probe({ type: 'arm-start', arm: 'rps=3', trial: 2, trials: 3, durationSec: 3 });
    for (const second of [1, 2, 3]) probe({ type: 'tick', arm: 'rps=3', trial: 2, second, durationSec: 3, requestsPerSec: 1, resetsSoFar: 0 });
    probe({ type: 'arm-end', arm: 'rps=3', trial: 2, requests: 3, resets: 0 });
    expect(windows.get(windowKey('rps=3', 2))).toEqual([{ cpu: 0, netRx: 1000, netRxPerSec: 500, softirqShare: 0.5, busyShare: 1 }]);
  });

  it('falls back to the arm start with one tick, gives null with none, and starts afresh for each arm', () => {
    const reads = [snap(0, 0, 0), snap(1000, 50, 300), snap(5000, 0, 0)];
    const windows = new Map<string, CpuWindow[] | null>();
    const probe = cpuProbe(windows, () => reads.shift()!);
    probe({ type: 'arm-start', arm: 'a', trial: 1, trials: 1, durationSec: 1 });
    probe({ type: 'tick', arm: 'a', trial: 1, second: 1, durationSec: 1, requestsPerSec: 1, resetsSoFar: 0 });
    probe({ type: 'arm-end', arm: 'a', trial: 1, requests: 1, resets: 0 });
    expect(windows.get('a#1')).toEqual([{ cpu: 0, netRx: 300, netRxPerSec: 300, softirqShare: 0.5, busyShare: 1 }]);
    probe({ type: 'arm-start', arm: 'b', trial: 1, trials: 1, durationSec: 1 });
    probe({ type: 'arm-end', arm: 'b', trial: 1, requests: 0, resets: 0 });
    expect(windows.get('b#1')).toBeNull();
  });
});
