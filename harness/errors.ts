/**
 * Typed errors and their exit codes. Only `cli` maps these to `process.exit`.
 * Messages follow "failed to <verb> <object>" with the cause chained.
 */

/** Exit codes of the CLI contract (DESIGN.md). */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  invalidInput: 2,
  gateFailed: 3,
  interrupted: 130,
} as const;

/** Base class: every error resetlab throws on purpose carries an exit code. */
export class ResetlabError extends Error {
  readonly exitCode: number = ExitCode.unexpected;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem with user input: `file: path.to.field: problem`. */
export interface InputProblem {
  /** The file (or "flags" for command-line options). */
  file: string;
  /** Dotted path to the field, or "" for the whole file. */
  field: string;
  message: string;
}

/** Formats one problem as `file: field: message` (field omitted when empty). */
export function formatProblem(p: InputProblem): string {
  return p.field ? `${p.file}: ${p.field}: ${p.message}` : `${p.file}: ${p.message}`;
}

/** Invalid flags or scenario files; lists every problem. Exit 2; thrown before any side effect. */
export class InputError extends ResetlabError {
  override readonly exitCode = ExitCode.invalidInput;
  readonly problems: InputProblem[];
  constructor(problems: InputProblem[]) {
    super(
      `invalid input (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join('\n'),
    );
    this.problems = problems;
  }
}

/** The machine cannot do what was asked (not root, no Docker engine, ...). Exit 2, nothing created. */
export class UnsupportedError extends ResetlabError {
  override readonly exitCode = ExitCode.invalidInput;
}

/** A gate (`check`, `compare`) failed. Exit 3. */
export class GateError extends ResetlabError {
  override readonly exitCode = ExitCode.gateFailed;
}

/** The run was interrupted by a signal; thrown after cleanup. Exit 130. */
export class InterruptedError extends ResetlabError {
  override readonly exitCode = ExitCode.interrupted;
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
  }
}

/** A command failed: carries a pasteable command line and the tail of its output. */
export class CommandError extends ResetlabError {
  constructor(
    readonly commandLine: string,
    readonly exitCodeOfCommand: number | undefined,
    readonly outputTail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `failed to run \`${commandLine}\`` +
        (exitCodeOfCommand === undefined ? '' : ` (exit ${exitCodeOfCommand})`) +
        (outputTail ? `:\n${outputTail}` : ''),
      options,
    );
  }
}

/** Returns the last `lines` lines of a text, for error messages. */
export function tail(text: string, lines = 8): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}
