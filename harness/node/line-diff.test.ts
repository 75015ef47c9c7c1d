import { describe, expect, it } from 'vitest';
import { lineDiff } from './line-diff.js';

describe('lineDiff', () => {
  it.each([
    ['identical', 'a\nb\n', 'a\nb\n', ['  a', '  b']],
    ['a changed line', 'a\nx\nc\n', 'a\nb\nc\n', ['  a', '+ b', '- x', '  c']],
    ['an added line at the end', 'a\n', 'a\nb\n', ['  a', '+ b']],
    ['a removed line', 'a\nb\nc\n', 'a\nc\n', ['  a', '- b', '  c']],
  ])('%s', (_n, before, after, expected) => {
    expect(lineDiff(before, after)).toEqual(expected);
  });
});
