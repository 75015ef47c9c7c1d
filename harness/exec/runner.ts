/**
 * `Runner`: runs an argv and returns its output, with a timeout and typed failures.
 * Every command resetlab runs goes through a Runner, so tests can substitute `FakeRunner`
 * and assert the exact command sequence. A Runner never goes through a shell.
 */
import { execa } from 'execa';
import { CommandError, tail } from '../errors.js';

/** Options for one command. */
export interface RunOptions {
  /** Kill the command after this many ms (default 30 000). */
  timeoutMs?: number;
  /** Text written to the command's stdin. */
  input?: string;
  /** When false, a non-zero exit returns the result instead of throwing. Default true. */
  check?: boolean;
  /** Working directory of the command (default: this process's). */
  cwd?: string;
  /** Hears each line of stdout and stderr as it is printed (progress of long commands); the result still holds them all. */
  onLine?: (line: string) => void;
}

/** What a finished command printed. */
export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs commands. Implementations must throw `CommandError` on failure when `check` is not false. */
export interface Runner {
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** Quotes an argv as a pasteable shell command line (for error messages and logs). */
export function commandLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The real Runner, on execa. */
export class ExecaRunner implements Runner {
  /** `timeScale` multiplies every timeout (slow guests of the vm driver); default 1. */
  constructor(private readonly timeScale = 1) {}

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file, ...args] = argv;
    if (!file) throw new Error('failed to run command: empty argv');
    const timeoutMs = Math.round((options.timeoutMs ?? 30_000) * this.timeScale);
    const onLine = options.onLine;
    // An execa line transform on both streams: each line is heard, then kept as it was.
    const hear = function* (line: unknown) {
      onLine!(String(line));
      yield line;
    };
    const tee = onLine ? { stdout: [hear, 'pipe'] as const, stderr: [hear, 'pipe'] as const } : {};
    const result = await execa(file, args, {
      timeout: timeoutMs,
      input: options.input,
      cwd: options.cwd,
      reject: false,
      stripFinalNewline: false,
      env: { LC_ALL: 'C' },
      ...tee,
    });
    const out: RunResult = {
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      exitCode: result.exitCode ?? -1,
    };
    if (result.timedOut) {
      throw new CommandError(commandLine(argv), undefined, `timed out after ${timeoutMs} ms`);
    }
    if (options.check !== false && (out.exitCode !== 0 || result.failed)) {
      throw new CommandError(
        commandLine(argv),
        result.exitCode,
        tail(out.stderr || out.stdout || String(result.message ?? '')),
      );
    }
    return out;
  }
}
