/**
 * Read-only checks of kernel features, so optional ones (sch_netem, ip_vs) are used only when
 * present already: resetlab never loads a module itself, and avoids commands that would make
 * the kernel auto-load an optional one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';

/** True when module `name` is loaded (/sys/module) or built into the running kernel (modules.builtin). */
export function moduleAvailableWithoutLoading(name: string, root = '/'): boolean {
  if (existsSync(`${root}sys/module/${name}`)) return true;
  for (const dir of [`${root}lib/modules/${release()}`, `${root}usr/lib/modules/${release()}`]) {
    try {
      const builtin = readFileSync(`${dir}/modules.builtin`, 'utf8');
      if (builtin.split('\n').some((line) => line.endsWith(`/${name}.ko`))) return true;
    } catch {
      // no modules.builtin here
    }
  }
  return false;
}
