/**
 * What every command gets: the runner, an abort signal tied to SIGINT/SIGTERM, and stderr
 * output helpers (progress and messages never go to stdout, which `--json` keeps clean).
 */
import { ExecaRunner, type Runner } from '../exec/runner.js';

/** Shared command context. */
export interface CliContext {
  runner: Runner;
  signal: AbortSignal;
  /** Writes a line to stderr. */
  say(line: string): void;
  /** Whether stderr is a terminal (progress redraws, colour). */
  tty: boolean;
  /** Colour allowed on stdout. */
  colour: boolean;
}

/** Creates the context; the first SIGINT/SIGTERM aborts, a third one exits at once. */
export function createContext(): CliContext {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      process.stderr.write(`\nresetlab: ${name} received: stopping and cleaning up (results so far are kept)...\n`);
      controller.abort(name);
    } else if (signals >= 3) {
      process.stderr.write('resetlab: exiting without cleanup; run `resetlab cleanup` to remove leftovers\n');
      process.exit(130);
    } else {
      process.stderr.write('resetlab: still cleaning up; send the signal again to exit without cleanup\n');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    runner: new ExecaRunner(),
    signal: controller.signal,
    say: (line) => process.stderr.write(line + '\n'),
    tty: Boolean(process.stderr.isTTY),
    colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}
