/**
 * Turns zod issues into resetlab's input problems: `file: path.to.field: problem`, in words a
 * person editing YAML understands ("must be <= 2000 (got 5000)", "unknown key"). Pure.
 */
import type { z } from 'zod';
import type { InputProblem } from '../errors.js';

/** True for a YAML mapping as parsed: a plain object, not a list, null or binary data. */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** Describes a value from a parsed YAML file in a few words, for "got ..." in messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (typeof v === 'string') return v.length > 60 ? `${JSON.stringify(v.slice(0, 57))}...` : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'binary data';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.=-]*$/;

/**
 * Formats a zod path as the field of an `InputProblem`: keys joined with dots, list indexes
 * in brackets, keys that are not plain words JSON-quoted: `arms[1].sysctls.net.x`,
 * `topology["two words"]`. The empty path is "".
 */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const key = String(seg);
      out += PLAIN_KEY.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

function got(input: unknown): string {
  return `(got ${describeValue(input)})`;
}

/** "required" for a missing value, else what was expected and what was found, with a hint for quoting mistakes. */
function typeMessage(expected: string, input: unknown): string {
  if (input === undefined) return 'required';
  const want = EXPECTED[expected] ?? expected;
  let hint = '';
  if (expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
    hint = ` (quote it to make it text: "${String(input)}")`;
  } else if ((expected === 'number' || expected === 'int') && typeof input === 'string' && input.trim() !== '' && Number.isFinite(Number(input))) {
    hint = ' (a string; write the number without quotes)';
  }
  return `expected ${want}, got ${describeValue(input)}${hint}`;
}

/**
 * The zod error map used for every scenario parse: one message per issue, in resetlab's words.
 * Messages set on a schema itself (custom checks, the fault discriminator) take precedence.
 */
export const zodMessage: z.core.$ZodErrorMap = (issue) => {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      return typeMessage(issue.expected, input);
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters ${got(input)}`;
      if (issue.origin === 'array') return `must have at most ${max} items (got ${Array.isArray(input) ? input.length : '?'})`;
      return `must be ${issue.inclusive === false ? '<' : '<='} ${max} ${got(input)}`;
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') return issue.minimum === 1 ? 'must not be empty' : `must be at least ${min} characters ${got(input)}`;
      if (issue.origin === 'array') {
        return `must have at least ${min} item${issue.minimum === 1 ? '' : 's'} (got ${Array.isArray(input) ? input.length : '?'})`;
      }
      return `must be ${issue.inclusive === false ? '>' : '>='} ${min} ${got(input)}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])} ${got(input)}`
        : `must be one of ${issue.values.map(String).join(', ')} ${got(input)}`;
    case 'invalid_format':
      return issue.format === 'regex' ? `must match ${String(issue['pattern'])} ${got(input)}` : `invalid ${issue.format} ${got(input)}`;
    case 'unrecognized_keys':
      return 'unknown key';
    default:
      return `invalid value ${got(input)}`;
  }
};

/**
 * Converts zod issues to problems for `file`: one problem per unknown key, and at most one
 * problem per field (the first), so a value that breaks two rules is reported once.
 */
export function issuesToProblems(file: string, issues: readonly z.core.$ZodIssue[]): InputProblem[] {
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  const add = (path: readonly PropertyKey[], message: string): void => {
    const field = formatFieldPath(path);
    if (seen.has(field)) return;
    seen.add(field);
    problems.push({ file, field, message });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key], 'unknown key');
    } else {
      add(issue.path, issue.message);
    }
  }
  return problems;
}
