/**
 * `resetlab cleanup`: every driver removes what its runs that are no longer alive left
 * behind (found by the `rl-xxxxxx-` prefix, pidfiles and labels), leaving runs still going in
 * other shells alone; plus orphan guests and unfinished rootfs builds of `node prove` and temporary files
 * killed writers left in results/.
 */
import { UnsupportedError } from '../../errors.js';
import { DRIVERS } from '../../lab/registry.js';
import { removeProveLeftovers } from '../../node/prove/leftovers.js';
import { removeStaleTempFiles } from '../../report/write.js';
import type { CliContext } from '../context.js';
import { DEFAULT_OUT } from '../paths.js';

/** The `cleanup` command. */
export async function cleanupCommand(ctx: CliContext): Promise<void> {
  if (process.getuid?.() !== 0) throw new UnsupportedError('resetlab cleanup needs root (network namespaces): run it as root');
  const problems: string[] = [];
  for (const driver of DRIVERS) {
    try {
      await driver.removeLeftovers(ctx);
    } catch (error) {
      problems.push(`${driver.name}: ${(error as Error).message}`);
    }
  }
  try {
    const removed = await removeProveLeftovers(ctx.runner);
    if (removed.length > 0) ctx.say(`resetlab: removed what killed node prove runs left: ${removed.join(', ')}`);
  } catch (error) {
    problems.push(`node prove rootfs cache: ${(error as Error).message}`);
  }
  const temps = await removeStaleTempFiles(DEFAULT_OUT);
  if (temps.length > 0) ctx.say(`resetlab: removed ${temps.length} temporary file(s) of interrupted writes: ${temps.join(', ')}`);
  if (problems.length > 0) throw new Error(`failed to remove every leftover: ${problems.join('; ')}`);
}
