/**
 * The process entry (bin/resetlab.js imports it): runs the command table of main.ts on
 * process.argv and is the only place that calls `process.exit`. Kept apart from the table so
 * tests can build the program (e.g. to parse the commands shown in the docs) without running it.
 */
import { CommanderError } from 'commander';
import { ExitCode, InputError, ResetlabError } from '../errors.js';
import { createContext, type CliContext } from './context.js';
import { buildProgram, exitCodeFor } from './main.js';

async function main(): Promise<void> {
  // A reader that went away (`resetlab ... | head`) is not our failure: the command still runs
  // to its end (and cleans up); what it writes after that is dropped instead of crashing it.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  let ctx: CliContext | null = null;
  const program = buildProgram(() => (ctx ??= createContext()));
  try {
    await program.parseAsync(process.argv);
    process.exitCode = ExitCode.ok;
  } catch (error) {
    const code = exitCodeFor(error);
    if (!(error instanceof CommanderError)) {
      const message = error instanceof InputError || error instanceof ResetlabError ? error.message : (error as Error)?.stack ?? String(error);
      process.stderr.write(`resetlab: ${message}\n`);
    }
    process.exitCode = code;
  }
  // Agents and timers are gone by now; exit explicitly so a stray handle cannot keep us alive,
  // but only once stdout and stderr are written out (see flushed).
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(process.exitCode ?? 0);
}

/**
 * Resolves when everything written to `stream` so far has reached the OS. Needed before
 * `process.exit`: a child process that shares our stdout pipe (node agents) leaves it
 * non-blocking, so a large write (a `--json` report over 64 KiB into `| jq`) is partly queued
 * in memory, and exiting at once dropped the rest (measured: exactly 65536 bytes arrived).
 * A closed reader (EPIPE) resolves too.
 */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}

await main();
