/**
 * Per-CPU softirq figures from two host-wide, read-only files: `/proc/softirqs` (NET_RX
 * softirq counts per CPU) and `/proc/stat` (jiffies per CPU by state). Parsers and the
 * difference of two snapshots are pure; `readCpuSnapshot` is the only I/O. These files count
 * the whole machine, other processes included: figures are "during the arm", not "of the arm".
 */
import { readFileSync } from 'node:fs';

/** Jiffies of one CPU by state (the first eight columns of a `cpuN` line). */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** One reading of both files: softirq counts per name and CPU, and jiffies per CPU. */
export interface CpuSnapshot {
  /** `{ NET_RX: [cpu0, cpu1, ...], ... }` */
  softirqs: Record<string, number[]>;
  /** Indexed by CPU number; CPUs absent from /proc/stat (offline) are missing. */
  stat: Record<number, CpuTimes>;
  /** performance.now() at the reading, in ms. */
  atMs: number;
}

/** What one CPU did between two snapshots. */
export interface CpuWindow {
  cpu: number;
  /** NET_RX softirqs raised on this CPU. */
  netRx: number;
  netRxPerSec: number;
  /** Share of this CPU's jiffies spent in softirq (0-1). */
  softirqShare: number;
  /** Share of this CPU's jiffies not idle or iowait (0-1). */
  busyShare: number;
}

/** Parses /proc/softirqs: header `CPU0 CPU1 ...`, then `NAME: n0 n1 ...` rows. */
export function parseSoftirqs(text: string): Record<string, number[]> {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines.shift()?.trim().split(/\s+/) ?? [];
  if (header.length === 0 || !header.every((h) => /^CPU\d+$/.test(h))) throw new Error('failed to parse /proc/softirqs: no CPU header');
  const out: Record<string, number[]> = {};
  for (const line of lines) {
    const m = /^\s*([A-Z_]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = m[2]!.trim().split(/\s+/).slice(0, header.length).map(Number);
  }
  return out;
}

/** Parses the `cpuN` lines of /proc/stat (the aggregate `cpu` line is skipped). */
export function parseProcStat(text: string): Record<number, CpuTimes> {
  const out: Record<number, CpuTimes> = {};
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = m[2]!.trim().split(/\s+/).map(Number);
    out[Number(m[1])] = { user, nice, system, idle, iowait, irq, softirq, steal };
  }
  if (Object.keys(out).length === 0) throw new Error('failed to parse /proc/stat: no cpuN lines');
  return out;
}

const total = (t: CpuTimes): number => t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;

/** Per-CPU figures between `a` and `b` (CPUs present in both; shares 0 when no jiffy passed). */
export function cpuWindow(a: CpuSnapshot, b: CpuSnapshot): CpuWindow[] {
  const seconds = Math.max((b.atMs - a.atMs) / 1000, 1e-9);
  const rxA = a.softirqs['NET_RX'] ?? [];
  const rxB = b.softirqs['NET_RX'] ?? [];
  const cpus = Object.keys(b.stat).map(Number).filter((c) => a.stat[c] !== undefined).sort((x, y) => x - y);
  return cpus.map((cpu) => {
    const ta = a.stat[cpu]!;
    const tb = b.stat[cpu]!;
    const jiffies = total(tb) - total(ta);
    const share = (n: number) => (jiffies > 0 ? Math.min(1, Math.max(0, n / jiffies)) : 0);
    const netRx = Math.max(0, (rxB[cpu] ?? 0) - (rxA[cpu] ?? 0));
    return {
      cpu,
      netRx,
      netRxPerSec: netRx / seconds,
      softirqShare: share(tb.softirq - ta.softirq),
      busyShare: share(jiffies - (tb.idle - ta.idle) - (tb.iowait - ta.iowait)),
    };
  });
}

/** Reads both files now (synchronously: two small reads, well under a millisecond). */
export function readCpuSnapshot(): CpuSnapshot {
  return {
    softirqs: parseSoftirqs(readFileSync('/proc/softirqs', 'utf8')),
    stat: parseProcStat(readFileSync('/proc/stat', 'utf8')),
    atMs: performance.now(),
  };
}
