import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each<[string | number, number]>([
    ['10s', 10_000],
    ['500ms', 500],
    ['1m', 60_000],
    ['1.5s', 1_500],
    ['2m30s', 150_000],
    ['1m0.5s', 60_500],
    ['1s500ms', 1_500],
    ['1h', 3_600_000],
    ['2.3s', 2_300],
    ['0s', 0],
    ['  10s  ', 10_000],
    ['10', 10_000],
    ['0.5', 500],
    [10, 10_000],
    [1.5, 1_500],
    [0, 0],
    ['1.0004s', 1_000],
  ])('%j -> %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each<[string | number, string]>([
    ['', 'invalid duration "": is empty; e.g. "10s", "500ms", "1.5s", "2m30s", or a number of seconds'],
    ['   ', 'invalid duration "   ": is empty; e.g. "10s", "500ms", "1.5s", "2m30s", or a number of seconds'],
    ['-5s', 'invalid duration "-5s": must not be negative'],
    [-1, 'invalid duration -1: must not be negative'],
    [Number.NaN, 'invalid duration NaN: must be a finite number of seconds'],
    [Number.POSITIVE_INFINITY, 'invalid duration Infinity: must be a finite number of seconds'],
    ['5x', 'invalid duration "5x": unknown unit "x"; expected ms, s, m or h'],
    ['10sec', 'invalid duration "10sec": unknown unit "sec"; expected ms, s, m or h'],
    ['1e3s', 'invalid duration "1e3s": unknown unit "e"; expected ms, s, m or h'],
    ['30s2m', 'invalid duration "30s2m": unit "m" is repeated or out of order; write the largest unit first, each once'],
    ['1s1s', 'invalid duration "1s1s": unit "s" is repeated or out of order; write the largest unit first, each once'],
    ['2m30', 'invalid duration "2m30": "30" has no unit; expected ms, s, m or h after every number but a lone one'],
    ['s', 'invalid duration "s": unexpected "s"; e.g. "10s", "500ms", "1.5s", "2m30s", or a number of seconds'],
    ['1m 30s', 'invalid duration "1m 30s": unexpected " 30s"; e.g. "10s", "500ms", "1.5s", "2m30s", or a number of seconds'],
    ['.5s', 'invalid duration ".5s": unexpected ".5s"; e.g. "10s", "500ms", "1.5s", "2m30s", or a number of seconds'],
  ])('%j is rejected', (input, message) => {
    expect(() => parseDuration(input)).toThrow(new Error(message));
  });

  it('throws a plain Error', () => {
    try {
      parseDuration('nope');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).constructor).toBe(Error);
    }
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [500, '500ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [60_000, '1m'],
    [150_000, '2m30s'],
    [60_500, '1m0.5s'],
    [600_000, '10m'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('is the inverse of parseDuration for whole milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});
