import { describe, expect, it } from 'vitest';
import { newPrefix, PREFIX_PATTERN, prefixOf } from './prefix.js';

describe('newPrefix', () => {
  it('is rl- and 6 lowercase hex digits, and fresh each time', () => {
    const prefixes = Array.from({ length: 20 }, newPrefix);
    for (const p of prefixes) expect(p).toMatch(/^rl-[0-9a-f]{6}$/);
    expect(new Set(prefixes).size).toBeGreaterThan(1);
  });

  it('round-trips through prefixOf for every resource name built from it', () => {
    const p = newPrefix();
    for (const suffix of ['client', 'node-a', 'invalid-drop', 'svc']) expect(prefixOf(`${p}-${suffix}`)).toBe(p);
  });
});

describe('prefixOf', () => {
  it.each<[string, string | null]>([
    ['rl-0a1b2c-server', 'rl-0a1b2c'],
    ['rl-0a1b2c-node-a', 'rl-0a1b2c'],
    ['rl-ffffff-', 'rl-ffffff'],
    ['rl-0a1b2c', null],
    ['rl-0A1B2C-server', null],
    ['rl-0a1b2-server', null],
    ['rl-0a1b2cd-server', null],
    ['rl-0a1b2g-server', null],
    ['xrl-0a1b2c-server', null],
    [' rl-0a1b2c-server', null],
    ['rl_0a1b2c-server', null],
    ['other-ns', null],
    ['', null],
  ])('%j -> %j', (name, prefix) => {
    expect(prefixOf(name)).toBe(prefix);
    expect(PREFIX_PATTERN.test(name)).toBe(prefix !== null);
  });
});
