/**
 * Agent processes carry `--rl-node=<prefix>-<role>` in their argv. After a crash, those whose
 * run is gone (no live owner) are found by scanning /proc and killed. Processes of runs still
 * going in another shell are left alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { liveOwner } from './owner.js';
import { prefixOf } from './prefix.js';

/** `{ pid, prefix }` of every process whose argv carries a resetlab node id. */
export function findAgentProcesses(procDir = '/proc'): { pid: number; prefix: string }[] {
  const found: { pid: number; prefix: string }[] = [];
  for (const entry of readdirSync(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`${procDir}/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const tag = argv.find((a) => a.startsWith('--rl-node='));
    const prefix = tag ? prefixOf(tag.slice('--rl-node='.length)) : null;
    if (prefix) found.push({ pid: Number(entry), prefix });
  }
  return found;
}

/** Kills (SIGKILL) agent processes of runs without a live owner; returns their pids. */
export function killOrphanAgents(): number[] {
  const killed: number[] = [];
  for (const { pid, prefix } of findAgentProcesses()) {
    const owner = liveOwner(prefix);
    if (owner !== null && owner !== process.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  return killed;
}
