/**
 * Reads one YAML file into a plain mapping, or into every problem found: missing, not a
 * regular file, too large (refused before reading), not UTF-8, empty, YAML errors with line
 * and column, duplicate keys, not a mapping. Reading the file is its only side effect.
 */
import { open, stat } from 'node:fs/promises';
import { isAlias, isCollection, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { InputProblem } from '../errors.js';

/** Scenario files larger than this are refused before they are read. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

/** YAML errors listed per file; later ones are mostly consequences of the first. */
const MAX_YAML_ERRORS = 10;

/** Result of reading one YAML file: its top-level mapping, or why not. */
export type YamlReadResult = { ok: true; data: Record<string, unknown> } | { ok: false; problems: InputProblem[] };

/** Formats a byte count as "512 bytes", "3.5 KiB", "10 MiB" (one decimal at most). */
export function formatBytes(n: number): string {
  const oneDecimal = (x: number) => String(Number(x.toFixed(1)));
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${oneDecimal(n / 1024)} KiB`;
  return `${oneDecimal(n / (1024 * 1024))} MiB`;
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
};

/**
 * Reads `path` and parses it as one YAML document whose top level is a mapping.
 * Problems name `file`; `notFound` is the problem reported when nothing exists at `path`.
 * Never throws for bad input; the file handle is closed here.
 */
export async function readYamlMapping(path: string, file: string, notFound: InputProblem): Promise<YamlReadResult> {
  const fail = (message: string): YamlReadResult => ({ ok: false, problems: [{ file, field: '', message }] });
  let bytes: Buffer;
  try {
    const st = await stat(path);
    if (st.isDirectory()) return fail('is a directory, not a scenario file (list the files in it instead, e.g. dir/*.yaml)');
    if (!st.isFile()) return fail('is not a regular file');
    if (st.size > MAX_SCENARIO_BYTES) return fail(tooLarge(st.size));
    bytes = await readAtMost(path, MAX_SCENARIO_BYTES + 1);
    if (bytes.length > MAX_SCENARIO_BYTES) return fail(tooLarge(bytes.length));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, problems: [notFound] };
    return fail(`cannot read file: ${(code && ERRNO_WORDS[code]) ?? (e as Error).message}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('is not UTF-8 text');
  }
  return parseYamlMapping(text, file);
}

function tooLarge(size: number): string {
  return `file is ${formatBytes(size)} (${size} bytes); scenario files are limited to ${formatBytes(MAX_SCENARIO_BYTES)}`;
}

async function readAtMost(path: string, limit: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(limit);
    let n = 0;
    while (n < limit) {
      const { bytesRead } = await fh.read(buf, n, limit - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}

/** Parses YAML text as one document whose top level is a mapping; pure. See `readYamlMapping`. */
export function parseYamlMapping(text: string, file: string): YamlReadResult {
  const problems: InputProblem[] = [];
  const add = (message: string) => problems.push({ file, field: '', message });
  const lines = new LineCounter();
  // logLevel 'error': report a second document as an error, but never print warnings.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, logLevel: 'error', uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  };

  const found = [...doc.errors, ...doc.warnings];
  for (const e of found.slice(0, MAX_YAML_ERRORS)) {
    if (e.code === 'DUPLICATE_KEY') add(`duplicate key ${keyAt(doc, e.pos[0])}at ${at(e.pos[0])} (YAML keys must be unique)`);
    else if (e.code === 'TAG_RESOLVE_FAILED') add(`unsupported YAML at ${at(e.pos[0])}: ${e.message}`);
    else if (e.message.includes('Maximum call stack size exceeded')) add(`invalid YAML at ${at(e.pos[0])}: nested too deeply`);
    else add(`invalid YAML at ${at(e.pos[0])}: ${e.message}`);
  }
  if (found.length > MAX_YAML_ERRORS) add(`${found.length - MAX_YAML_ERRORS} more YAML errors not shown; fix the first ones and retry`);

  visit(doc, {
    Pair(_, pair) {
      if (isCollection(pair.key) || isAlias(pair.key)) {
        const offset = (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0;
        add(`invalid key at ${at(offset)}: keys must be plain values, not lists, mappings or aliases`);
      }
    },
  });
  if (problems.length > 0) return { ok: false, problems };

  if (doc.contents === null) {
    add('file is empty; a scenario needs at least "name: <name>"');
    return { ok: false, problems };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    add(`invalid YAML: ${(e as Error).message}`);
    return { ok: false, problems };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || data instanceof Uint8Array) {
    const what = Array.isArray(data) ? 'a list' : data instanceof Uint8Array ? 'binary data' : data === null ? 'null' : `a ${typeof data}`;
    add(`expected a mapping (key: value lines) at the top level, got ${what}`);
    return { ok: false, problems };
  }
  return { ok: true, data: data as Record<string, unknown> };
}

/** The quoted key whose node starts at `offset`, followed by a space, or "" if not found. */
function keyAt(doc: Document, offset: number): string {
  let name = '';
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        name = `${JSON.stringify(String(pair.key.value))} `;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return name;
}
