/**
 * Reads the `resetlab …` command lines shown in Markdown and checks each one against the real
 * command table (`buildProgram`) without running it: commander parses the argv (unknown
 * commands and flags, missing values), then run/reproduce/check flags and scenario names go
 * through the same validation a real run does first (`prepareRun`: driver flags and their
 * values, durations, trials, schedules, built-in names). Nothing is executed: every action
 * is replaced by one that only records what it was given.
 */
import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { InputError } from '../../harness/errors.js';
import { buildProgram } from '../../harness/cli/main.js';
import { prepareRun } from '../../harness/cli/commands/run.js';
import type { CliContext } from '../../harness/cli/context.js';

/** One command line found in a document. */
export interface DocCommand {
  file: string;
  line: number;
  /** The text as written (after joining folded YAML lines). */
  text: string;
  /** Arguments after `resetlab`. */
  argv: string[];
  /** A synopsis (`[--x]`, `<a|b>`, `...`): only the command path and its `--flags` are checked. */
  synopsis: boolean;
}

/** GitHub Actions expressions in the examples, with a value each would take. */
const EXPRESSIONS: Record<string, string> = {
  'matrix.node': 'kindest/node:v1.33.1',
  'matrix.mode': 'nftables',
};

const PREFIX = /^\s*(?:-\s+)?(?:run:\s+)?(?:\$\s+)?(?:sudo\s+(?:-E\s+env\s+"PATH=\$PATH"\s+)?)?(?:[A-Z_]+=\S+\s+)*(?:npx\s+resetlab|node\s+bin\/resetlab\.js|resetlab)(\s+[^`#]*|$)/;

/** Splits a shell-like line into words (single and double quotes; no expansion). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let inWord = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

function substitute(text: string, where: string): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const v = EXPRESSIONS[expr];
    if (v === undefined) throw new Error(`${where}: no sample value for \${{ ${expr} }}; add one to EXPRESSIONS`);
    return v;
  });
}

function commandFrom(raw: string, file: string, line: number): DocCommand | null {
  const m = PREFIX.exec(raw);
  if (!m) return null;
  let rest = m[1]!.trim();
  // `a && b`, `; b` and pipes end the resetlab command.
  rest = rest.split(/\s(?:&&|;|\|\||>|2>)\s/)[0]!.trim();
  if (/^(?:…|\.\.\.)/.test(rest)) return null; // "resetlab …": prose about a command, not one
  const synopsis = /[[\]<>…]|\.\.\.|\s\|\s/.test(rest);
  if (synopsis) rest = rest.split(/\s\|\s/)[0]!;
  const text = substitute(rest, `${file}:${line}`);
  return { file, line, text: `resetlab ${text}`.trim(), argv: shellWords(text), synopsis };
}

/**
 * Every `resetlab …` command in a Markdown text: lines of fenced and indented code blocks
 * (a YAML `run: >` block is joined into one line), and inline code spans.
 */
export function extractCommands(markdown: string, file: string): DocCommand[] {
  const out: DocCommand[] = [];
  const lines = markdown.split('\n');
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced || /^ {4}\S/.test(line)) {
      let text = line.replace(/\s#\s.*$/, '');
      // YAML folded scalar: `run: >` then more-indented lines.
      if (/:\s*>\s*$/.test(text)) {
        const indent = (lines[i + 1] ?? '').search(/\S/);
        const parts: string[] = [];
        while (i + 1 < lines.length && (lines[i + 1]!.search(/\S/) >= indent && indent > 0)) parts.push(lines[++i]!.trim());
        text = parts.join(' ');
      }
      const c = commandFrom(text, file, i + 1);
      if (c) out.push(c);
      continue;
    }
    for (const span of line.matchAll(/`([^`]+)`/g)) {
      if (!/^(?:sudo\s+)?(?:npx\s+)?resetlab\s/.test(span[1]!) && !/^node bin\/resetlab\.js\s/.test(span[1]!)) continue;
      const c = commandFrom(span[1]!, file, i + 1);
      if (c) out.push(c);
    }
  }
  return out;
}

/** A no-op context: never used, because no action runs. */
const noCtx = (): CliContext => {
  throw new Error('a documented command tried to run');
};

function stubActions(cmd: Command, seen: { path: string[]; args: unknown[] }[]): void {
  const path: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) path.unshift(c.name());
  cmd.action((...args: unknown[]) => {
    seen.push({ path, args });
  });
  for (const sub of cmd.commands) stubActions(sub, seen);
}

function findCommand(program: Command, argv: string[]): { cmd: Command; rest: string[] } {
  let cmd = program;
  let i = 0;
  while (i < argv.length) {
    const next = cmd.commands.find((c) => c.name() === argv[i] || c.aliases().includes(argv[i]!));
    if (!next) break;
    cmd = next;
    i++;
  }
  return { cmd, rest: argv.slice(i) };
}

function knownFlags(cmd: Command): Set<string> {
  const flags = new Set<string>(['--help', '-h']);
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const o of c.options) {
      if (o.long) flags.add(o.long);
      if (o.short) flags.add(o.short);
      if (o.negate && o.long) flags.add(o.long);
    }
  }
  return flags;
}

/** Problems with one documented command (empty when it parses and its values are valid). */
export async function commandProblems(c: DocCommand): Promise<string[]> {
  const program = buildProgram(noCtx);
  const seen: { path: string[]; args: unknown[] }[] = [];
  const silence = { writeOut: () => {}, writeErr: () => {} };
  const quiet = (cmd: Command): void => {
    cmd.exitOverride().configureOutput(silence);
    cmd.commands.forEach(quiet);
  };
  quiet(program);
  for (const sub of program.commands) stubActions(sub, seen);
  if (c.synopsis) {
    const { cmd, rest } = findCommand(program, c.argv);
    if (cmd === program) return [`unknown command "${c.argv[0] ?? ''}"`];
    const flags = knownFlags(cmd);
    return rest.flatMap((w) => {
      const flag = /^(--?[A-Za-z][\w-]*)/.exec(w.replace(/^\[/, ''))?.[1];
      return flag && !flags.has(flag) ? [`unknown option "${flag}" for "${cmd.name()}"`] : [];
    });
  }
  try {
    await program.parseAsync(['node', 'resetlab', ...c.argv]);
  } catch (error) {
    if (error instanceof CommanderError) return [error.message.replace(/^error: /, '')];
    throw error;
  }
  const done = seen[0];
  if (!done) return ['no command ran (a command group without its subcommand?)'];
  const name = done.path.join(' ');
  if (name === 'run' || name === 'reproduce' || name === 'check') {
    const flags = done.args[name === 'run' ? 1 : 0] as Record<string, unknown>;
    // A user's file named in the docs (./my-case.yaml) need not exist here: validate the flags with a built-in.
    const refs = name === 'run' ? (done.args[0] as string[]).map((r) => (/[/.]/.test(r) && !existsSync(r) ? 'over-window' : r)) : ['over-window'];
    try {
      await prepareRun(refs, flags, name === 'check'); // check compares lists of kube-proxy modes or versions
    } catch (error) {
      if (error instanceof InputError) return error.problems.map((p) => `${p.field}: ${p.message}`);
      throw error;
    }
  }
  return [];
}
