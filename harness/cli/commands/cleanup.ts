/**
 * `resetlab cleanup`: every driver removes what its runs that are no longer alive left
 * behind (found by the `rl-xxxxxx-` prefix, pidfiles and labels), leaving runs still going in
 * other shells alone; plus orphan guests and unfinished rootfs builds of `node prove` and temporary files
 * killed writers left in results/.
 */
import { InputError, ResetlabError, UnsupportedError, type InputProblem } from '../../errors.js';
import { DRIVERS } from '../../lab/registry.js';
import { removeProveLeftovers } from '../../node/prove/leftovers.js';
import { removeStaleTempFiles } from '../../report/write.js';
import type { CliContext } from '../context.js';
import { DEFAULT_OUT } from '../paths.js';

/** Flags of `cleanup`: `--driver` limits it to one driver; the kube driver's cluster options. */
export interface CleanupFlags {
  driver?: string;
  context?: string;
  kubeconfig?: string;
  allowContext?: string;
}

/** Problems with the cleanup flags (pure). */
export function cleanupFlagProblems(flags: CleanupFlags): InputProblem[] {
  const problems: InputProblem[] = [];
  if (flags.driver !== undefined && !DRIVERS.some((d) => d.name === flags.driver)) problems.push({ file: 'flags', field: '--driver', message: `unknown driver "${flags.driver}"; expected one of ${DRIVERS.map((d) => d.name).join(', ')}` });
  for (const [field, value] of [['--context', flags.context], ['--kubeconfig', flags.kubeconfig], ['--allow-context', flags.allowContext]] as const) {
    if (value !== undefined && flags.driver !== 'kube') problems.push({ file: 'flags', field, message: 'only applies with --driver kube' });
  }
  return problems;
}

/** The `cleanup` command. */
export async function cleanupCommand(ctx: CliContext, flags: CleanupFlags = {}): Promise<void> {
  const problems0 = cleanupFlagProblems(flags);
  if (problems0.length > 0) throw new InputError(problems0);
  const drivers = flags.driver ? DRIVERS.filter((d) => d.name === flags.driver) : DRIVERS;
  // Namespaces, rules and guests need root; the kube driver's cleanup is kubectl only.
  if (drivers.some((d) => d.name !== 'kube') && process.getuid?.() !== 0) throw new UnsupportedError('resetlab cleanup needs root (network namespaces): run it as root');
  const problems: string[] = [];
  for (const driver of drivers) {
    try {
      await driver.removeLeftovers(ctx, { ...flags });
    } catch (error) {
      // One driver asked for by name: its own refusal (no cluster, exit 2) stands as it is.
      if (flags.driver && error instanceof ResetlabError) throw error;
      problems.push(`${driver.name}: ${(error as Error).message}`);
    }
  }
  if (flags.driver) {
    if (problems.length > 0) throw new Error(`failed to remove every leftover: ${problems.join('; ')}`);
    return;
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
