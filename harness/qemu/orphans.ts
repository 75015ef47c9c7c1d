/**
 * Finding qemu processes again after a crash, by name and by pidfile, never by memory:
 * a guest started by `startQemu` carries `-name <prefix>-...` and writes `-pidfile` into
 * its run folder. `findQemuProcesses` lists them (pure over a /proc-like folder);
 * `killOrphanQemus` kills those whose run has no live owner (owner.ts).
 */
import { killWithoutLiveOwner, processArgvs } from '../lab/leftover-processes.js';
import { prefixOf } from '../lab/prefix.js';

/** A qemu process with a resetlab machine name. */
export interface QemuProcess {
  pid: number;
  name: string;
  prefix: string;
}

/** The `-name` value of a qemu argv, or null when it is not qemu or has no name. */
export function qemuNameOf(argv: string[]): string | null {
  const bin = argv.findIndex((a) => /(^|\/)qemu-system-[\w-]+$/.test(a));
  if (bin < 0) return null;
  const i = argv.indexOf('-name', bin);
  return i >= 0 && argv[i + 1] ? argv[i + 1]!.split(',')[0]!.replace(/^guest=/, '') : null;
}

/** Every qemu process whose machine name carries a resetlab prefix. */
export function findQemuProcesses(procDir = '/proc'): QemuProcess[] {
  const found: QemuProcess[] = [];
  for (const { pid, argv } of processArgvs(procDir)) {
    const name = qemuNameOf(argv);
    const prefix = name ? prefixOf(name + '-') : null;
    if (name && prefix) found.push({ pid, name, prefix });
  }
  return found;
}

/**
 * SIGKILLs qemu processes of runs without a live owner (other than this process) whose
 * machine name `mine` accepts (each user of this module passes its own naming, e.g. names
 * ending in `-vm`, so it never kills another tool's guests); returns them.
 */
export function killOrphanQemus(mine: (name: string) => boolean, procDir = '/proc'): QemuProcess[] {
  return killWithoutLiveOwner(findQemuProcesses(procDir).filter((p) => mine(p.name)));
}
