/**
 * Durations as people write them in scenario files and flags: "10s", "500ms", "1.5s", "2m30s",
 * or a bare number of seconds. Pure; no dependencies.
 */

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS_IN_ORDER: readonly Unit[] = ['h', 'm', 's', 'ms'];
const UNIT_LIST = 'ms, s, m or h';
const EXAMPLES = 'e.g. "10s", "500ms", "1.5s", "2m30s", or a number of seconds';

/** One `<number><unit>` part; the unit is letters so that an unknown one can be named. */
const PART = /(\d+(?:\.\d+)?)([a-zA-Z]*)/y;
const BARE_NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * Parses a duration into milliseconds, rounded to the nearest millisecond.
 * Accepts a number (seconds) or a string: a bare number (seconds) or one or more
 * `<number><unit>` parts with units ms, s, m, h, each unit at most once, largest first
 * ("2m30s"). Surrounding whitespace is ignored.
 * Throws a plain `Error` naming the input on anything else: empty, negative, not finite,
 * unknown or repeated unit, junk between parts.
 */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text)) throw bad(text, 'must be a finite number of seconds');
    if (text < 0) throw bad(text, 'must not be negative');
    return Math.round(text * 1000);
  }
  if (typeof text !== 'string') throw bad(text, `expected a string or a number, ${EXAMPLES}`);
  const s = text.trim();
  if (s === '') throw bad(text, `is empty; ${EXAMPLES}`);
  if (s.startsWith('-')) throw bad(text, 'must not be negative');
  if (BARE_NUMBER.test(s)) return Math.round(Number(s) * 1000);

  let total = 0;
  let pos = 0;
  let lastRank = -1;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m || m[0] === '') throw bad(text, `unexpected "${s.slice(pos)}"; ${EXAMPLES}`);
    const [, num = '', unit = ''] = m;
    if (unit === '') throw bad(text, `"${num}" has no unit; expected ${UNIT_LIST} after every number but a lone one`);
    const rank = UNITS_IN_ORDER.indexOf(unit as Unit);
    if (rank < 0) throw bad(text, `unknown unit "${unit}"; expected ${UNIT_LIST}`);
    if (rank <= lastRank) throw bad(text, `unit "${unit}" is repeated or out of order; write the largest unit first, each once`);
    lastRank = rank;
    total += Number(num) * UNIT_MS[unit as Unit];
    pos = PART.lastIndex;
  }
  if (!Number.isFinite(total)) throw bad(text, 'is too large');
  return Math.round(total);
}

/**
 * Formats milliseconds for messages and files: the shortest exact form among "500ms",
 * "10s", "1.5s", "2m30s", "1m0.5s". Inverse of `parseDuration` for non-negative integers.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms}ms`;
  if (ms < 1000) return `${ms}ms`;
  const minutes = Math.floor(ms / 60_000);
  const restMs = ms - minutes * 60_000;
  const seconds = `${restMs / 1000}s`;
  if (minutes === 0) return seconds;
  return restMs === 0 ? `${minutes}m` : `${minutes}m${seconds}`;
}

function bad(input: unknown, why: string): Error {
  const shown = typeof input === 'string' ? JSON.stringify(input) : String(input);
  return new Error(`invalid duration ${shown}: ${why}`);
}
