/**
 * What a `node prove` run killed hard (SIGKILL of resetlab, a crash) can leave, found by
 * name and never by memory, for `resetlab cleanup`: qemu processes named
 * `rl-xxxxxx-prove-<label>` whose run has no live owner (normally none: qemu runs under
 * `setpriv --pdeathsig KILL`), and unfinished rootfs builds (rootfs-cache.ts). Runs still
 * going in other shells are left alone. The results folders stay (they are results).
 */
import type { Runner } from '../../exec/runner.js';
import { killOrphanQemus } from '../../qemu/orphans.js';
import { removeStaleRootfsBuilds } from './rootfs-cache.js';

/** Machine names of `node prove` guests. */
export const PROVE_QEMU_NAME = /^rl-[0-9a-f]{6}-prove-[a-z]+$/;

/** Kills orphan guests and removes unfinished builds; returns one line per thing removed. */
export async function removeProveLeftovers(runner: Runner): Promise<string[]> {
  const killed = killOrphanQemus((name) => PROVE_QEMU_NAME.test(name)).map((q) => `qemu pid ${q.pid} (${q.name})`);
  const builds = await removeStaleRootfsBuilds(runner);
  return [...killed, ...builds.map((b) => `unfinished rootfs build ${b}`)];
}
