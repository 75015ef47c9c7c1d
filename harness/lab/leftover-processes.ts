/**
 * Agent processes carry `--rl-node=<prefix>-<role>` in their argv. After a crash, those whose
 * run is gone (no live owner) are found by scanning /proc and killed. Processes of runs still
 * going in another shell are left alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { liveOwner } from './owner.js';
import { prefixOf } from './prefix.js';

/** `{ pid, argv }` of every process in a /proc-like folder (processes that vanish mid-scan are skipped). */
export function processArgvs(procDir = '/proc'): { pid: number; argv: string[] }[] {
  const found: { pid: number; argv: string[] }[] = [];
  for (const entry of readdirSync(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      found.push({ pid: Number(entry), argv: readFileSync(`${procDir}/${entry}/cmdline`, 'utf8').split('\0') });
    } catch {
      // gone, or not readable
    }
  }
  return found;
}

/**
 * SIGKILLs the given processes whose run has no live owner (other than this process) and
 * returns those it killed; processes of runs still going in another shell are left alone.
 */
export function killWithoutLiveOwner<T extends { pid: number; prefix: string }>(processes: T[]): T[] {
  const killed: T[] = [];
  for (const p of processes) {
    const owner = liveOwner(p.prefix);
    if (owner !== null && owner !== process.pid) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
      killed.push(p);
    } catch {
      // already gone
    }
  }
  return killed;
}

/** `{ pid, prefix }` of every process whose argv carries a resetlab node id. */
export function findAgentProcesses(procDir = '/proc'): { pid: number; prefix: string }[] {
  const found: { pid: number; prefix: string }[] = [];
  for (const { pid, argv } of processArgvs(procDir)) {
    const tag = argv.find((a) => a.startsWith('--rl-node='));
    const prefix = tag ? prefixOf(tag.slice('--rl-node='.length)) : null;
    if (prefix) found.push({ pid, prefix });
  }
  return found;
}

/** Kills (SIGKILL) agent processes of runs without a live owner; returns their pids. */
export function killOrphanAgents(): number[] {
  return killWithoutLiveOwner(findAgentProcesses()).map((p) => p.pid);
}
