/**
 * Leftovers of vm runs that did not finish, found by name and file, never by memory: qemu
 * processes whose `-name` carries a dead run's prefix (or whose pidfile sits in a dead run's
 * folder), and the run folders `<ownerDir>/<prefix>-vm/` themselves. Runs of live owners
 * are left alone.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { killOrphanQemus } from '../../qemu/orphans.js';
import { liveOwner, ownerDir, releasePrefix } from '../owner.js';
import { prefixOf } from '../prefix.js';

/** The run folder of a vm run (holds the initramfs, pidfile, console log and the share). */
export function vmRunDir(prefix: string): string {
  return join(ownerDir(), `${prefix}-vm`);
}

/** What `removeVmLeftovers` did. */
export interface VmLeftoverReport {
  killed: string[];
  removedDirs: string[];
}

function killByPidfile(dir: string): string | null {
  try {
    const pid = Number(readFileSync(join(dir, 'qemu.pid'), 'utf8').trim());
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!argv.includes('qemu-system')) return null;
    process.kill(pid, 'SIGKILL');
    return `qemu pid ${pid} (pidfile ${dir}/qemu.pid)`;
  } catch {
    return null;
  }
}

/** Kills orphan guests and removes dead runs' folders (see module doc). */
export function removeVmLeftovers(): VmLeftoverReport {
  const killed = killOrphanQemus((name) => /^rl-[0-9a-f]{6}-vm$/.test(name)).map((q) => `qemu pid ${q.pid} (${q.name})`);
  const removedDirs: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(ownerDir());
  } catch {
    return { killed, removedDirs };
  }
  for (const entry of entries) {
    const prefix = entry.endsWith('-vm') ? prefixOf(entry.slice(0, -2)) : null;
    if (!prefix || entry !== `${prefix}-vm`) continue;
    const owner = liveOwner(prefix);
    if (owner !== null && owner !== process.pid) continue;
    const dir = join(ownerDir(), entry);
    const byPidfile = killByPidfile(dir);
    if (byPidfile) killed.push(byPidfile);
    rmSync(dir, { recursive: true, force: true });
    releasePrefix(prefix);
    removedDirs.push(dir);
  }
  return { killed, removedDirs };
}
