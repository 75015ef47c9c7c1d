/**
 * After a crash: the control-plane state folders (`<run dir>/<prefix>-kube/`) of runs without
 * a live owner. Their processes live in the run's namespaces and die with them
 * (netns/cleanup.ts); this removes the folders. Live runs' folders are left alone.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { liveOwner, ownerDir } from '../../lab/owner.js';
import { prefixOf } from '../../lab/prefix.js';

/** Removes dead runs' control-plane folders; returns their names. */
export function removeControlPlaneLeftovers(dir = ownerDir()): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const name of names) {
    const prefix = name.endsWith('-kube') ? prefixOf(name) : null;
    if (!prefix) continue;
    const owner = liveOwner(prefix);
    if (owner !== null && owner !== process.pid) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
