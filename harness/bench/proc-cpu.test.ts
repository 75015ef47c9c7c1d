import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../repo-root.js';
import { cpuWindow, parseProcStat, parseSoftirqs, type CpuSnapshot } from './proc-cpu.js';

// Captured on this project's machine (Linux 6.18, 2 CPUs), 2 s apart: test/fixtures/proc/.
const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'proc', name), 'utf8');

describe('parseSoftirqs', () => {
  it('reads every row per CPU from real output', () => {
    const s = parseSoftirqs(fixture('softirqs-before.txt'));
    expect(s['NET_RX']).toEqual([7400109, 7075614]);
    expect(s['TIMER']).toEqual([100366, 104293]);
    expect(Object.keys(s)).toEqual(['HI', 'TIMER', 'NET_TX', 'NET_RX', 'BLOCK', 'IRQ_POLL', 'TASKLET', 'SCHED', 'HRTIMER', 'RCU']);
  });

  it('rejects text without the CPU header', () => {
    expect(() => parseSoftirqs('NET_RX: 1 2\n')).toThrow(/failed to parse \/proc\/softirqs/);
  });
});

describe('parseProcStat', () => {
  it('reads the cpuN lines and skips the aggregate', () => {
    const s = parseProcStat(fixture('stat-before.txt'));
    expect(Object.keys(s)).toEqual(['0', '1']);
    expect(s[0]).toEqual({ user: 73399, nice: 41, system: 36333, idle: 75085, iowait: 280, irq: 0, softirq: 6553, steal: 175 });
  });

  it('accepts old kernels with fewer columns', () => {
    expect(parseProcStat('cpu0 1 2 3 4\n')[0]).toEqual({ user: 1, nice: 2, system: 3, idle: 4, iowait: 0, irq: 0, softirq: 0, steal: 0 });
  });

  it('rejects text without cpuN lines', () => {
    expect(() => parseProcStat('intr 1 2 3\n')).toThrow(/failed to parse \/proc\/stat/);
  });
});

describe('cpuWindow', () => {
  const snap = (softirqs: string, stat: string, atMs: number): CpuSnapshot => ({
    softirqs: parseSoftirqs(fixture(softirqs)),
    stat: parseProcStat(fixture(stat)),
    atMs,
  });

  it('gives per-CPU NET_RX deltas and jiffy shares from real output', () => {
    const w = cpuWindow(snap('softirqs-before.txt', 'stat-before.txt', 0), snap('softirqs-after.txt', 'stat-after.txt', 2000));
    const rxBefore = parseSoftirqs(fixture('softirqs-before.txt'))['NET_RX']!;
    const rxAfter = parseSoftirqs(fixture('softirqs-after.txt'))['NET_RX']!;
    expect(w.map((c) => c.cpu)).toEqual([0, 1]);
    expect(w[0]!.netRx).toBe(rxAfter[0]! - rxBefore[0]!);
    expect(w[0]!.netRxPerSec).toBeCloseTo(w[0]!.netRx / 2, 9);
    // cpu0: user +16, system +185, idle +0 -> 201 jiffies, all busy, no softirq.
    expect(w[0]!.busyShare).toBe(1);
    expect(w[0]!.softirqShare).toBe(0);
    // cpu1: system +2, idle +196 -> busy 2/198.
    expect(w[1]!.busyShare).toBeCloseTo(2 / 198, 12);
  });

  it('counts softirq jiffies and ignores CPUs missing from either snapshot', () => {
    const a: CpuSnapshot = { softirqs: { NET_RX: [10, 0] }, stat: { 0: times(100, 0), 1: times(0, 0) }, atMs: 0 };
    const b: CpuSnapshot = { softirqs: { NET_RX: [110, 0] }, stat: { 0: times(150, 50) }, atMs: 1000 };
    expect(cpuWindow(a, b)).toEqual([{ cpu: 0, netRx: 100, netRxPerSec: 100, softirqShare: 0.5, busyShare: 0.5 }]);
  });
});

function times(idle: number, softirq: number) {
  return { user: 0, nice: 0, system: 0, idle, iowait: 0, irq: 0, softirq, steal: 0 };
}
