/**
 * Run prefixes. Every resource a run creates is named `<prefix>-...`, where the prefix is
 * `rl-` + 6 hex digits, so leftovers can be found again by name after a crash.
 */
import { randomBytes } from 'node:crypto';

/** Matches any resetlab-created name and captures its prefix. */
export const PREFIX_PATTERN = /^(rl-[0-9a-f]{6})-/;

/** A fresh random prefix, e.g. `rl-3fa2c1`. */
export function newPrefix(): string {
  return `rl-${randomBytes(3).toString('hex')}`;
}

/** The prefix of a resetlab-created name, or null if the name is not ours. */
export function prefixOf(name: string): string | null {
  return PREFIX_PATTERN.exec(name)?.[1] ?? null;
}
