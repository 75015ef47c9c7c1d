/** `resetlab list`: the built-in scenarios with their descriptions. */
import { listBuiltins } from '../../scenario/load.js';
import { BUILTIN_DIR } from '../paths.js';

/** The `list` command. */
export async function listCommand(): Promise<void> {
  const builtins = await listBuiltins(BUILTIN_DIR);
  const width = Math.max(...builtins.map((b) => b.name.length));
  for (const b of builtins) process.stdout.write(`${b.name.padEnd(width)}  ${b.description}\n`);
}
