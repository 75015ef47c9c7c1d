/**
 * A `Runner` for tests: records every argv and answers from a script of canned outputs.
 * Answers are matched by a predicate on the command line, first match wins; unmatched
 * commands succeed with empty output (or throw, with `strict`).
 */
import { CommandError } from '../errors.js';
import { commandLine, type RunOptions, type RunResult, type Runner } from './runner.js';

/** A canned answer: commands whose line matches `match` get `result`. */
export interface FakeAnswer {
  match: RegExp | ((line: string) => boolean);
  result: Partial<RunResult>;
  /** Answer only this many times (default: always). */
  times?: number;
}

/** Records calls; see module doc. */
export class FakeRunner implements Runner {
  readonly calls: { argv: string[]; line: string; input?: string; cwd?: string }[] = [];
  constructor(
    private readonly answers: FakeAnswer[] = [],
    private readonly strict = false,
  ) {}

  /** Adds an answer (checked before earlier ones). */
  on(match: FakeAnswer['match'], result: Partial<RunResult>, times?: number): this {
    this.answers.unshift({ match, result, times });
    return this;
  }

  /** The recorded command lines. */
  get lines(): string[] {
    return this.calls.map((c) => c.line);
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const line = commandLine(argv);
    this.calls.push({ argv: [...argv], line, input: options.input, cwd: options.cwd });
    const answer = this.answers.find((a) =>
      (a.times ?? 1) > 0 && (typeof a.match === 'function' ? a.match(line) : a.match.test(line)),
    );
    if (!answer && this.strict) throw new Error(`FakeRunner: unexpected command ${line}`);
    if (answer?.times !== undefined) answer.times -= 1;
    const result: RunResult = { stdout: '', stderr: '', exitCode: 0, ...answer?.result };
    if (options.check !== false && result.exitCode !== 0) {
      throw new CommandError(line, result.exitCode, result.stderr);
    }
    return result;
  }
}
