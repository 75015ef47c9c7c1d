import { describe, expect, it } from 'vitest';
import { longestWord, renderTextTable, wrapText } from './text-table.js';

describe('wrapText', () => {
  it.each<[string, number, string[]]>([
    ['short', 10, ['short']],
    ['decided at 0.6 s (2266 req)', 16, ['decided at 0.6 s', '(2266 req)']],
    // a number keeps its unit
    ['max duration 10 s (95018 req)', 16, ['max duration', '10 s (95018 req)']],
    ['28189 [21459-36362]', 15, ['28189', '[21459-36362]']],
    // a word longer than the line is cut after a separator
    ['tcp_ignore_invalid_rst=0', 12, ['tcp_ignore_', 'invalid_rst=', '0']],
    ['abcdefghij', 4, ['abcd', 'efgh', 'ij']],
    // indentation is kept on every line
    ['   (injected, delivered NATed)', 22, ['   (injected,', '   delivered NATed)']],
  ])('%j at %i', (text, width, lines) => {
    expect(wrapText(text, width)).toEqual(lines);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
  });

  it('counts a number with its unit as one word', () => {
    expect(longestWord('decided at 0.6 s (2266 req)')).toBe('(2266 req)'.length);
    expect(longestWord('liberal=1 tcp_loose=0')).toBe('tcp_loose=0'.length);
  });
});

describe('renderTextTable', () => {
  const rows = (n: number) => [
    { label: 'requests', cells: Array.from({ length: n }, (_, i) => String(1000 * (i + 1))) },
    { label: 'latency p50 / p99', cells: Array.from({ length: n }, () => '76.93 ms / 714.24 ms'), ruleBefore: true },
    { label: 'stopped', cells: Array.from({ length: n }, () => 'max duration 10 s (95018 req)') },
  ];
  const header = (n: number) => Array.from({ length: n }, (_, i) => `arm number ${i}`);

  it('keeps a table that fits as it is: natural widths, one line per row, a rule per group', () => {
    const lines = renderTextTable(header(2), rows(2));
    expect(lines).toHaveLength(2 + 3 + 1);
    expect(lines[0]).toBe(`${' '.repeat(17)}  ${'arm number 0'.padStart(29)}  ${'arm number 1'.padStart(29)}`);
    expect(lines[1]).toBe(`${'-'.repeat(17)}  ${'-'.repeat(29)}  ${'-'.repeat(29)}`);
    expect(lines[2]).toMatch(/^requests {9} +1000 +2000$/);
  });

  it.each([2, 3, 4, 5, 6, 8, 12])('%i columns: no line wider than 100, all lines of a block equally wide, every value kept', (n) => {
    const lines = renderTextTable(header(n), rows(n));
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    const blocks = lines.join('\n').split('\n\n').map((b) => b.split('\n'));
    for (const b of blocks) expect(new Set(b.map((l) => l.length)).size).toBe(1);
    const text = lines.join('\n');
    for (let i = 0; i < n; i++) expect(text).toContain(String(1000 * (i + 1)));
    expect(text.match(/\(95018 req\)/g)).toHaveLength(n);
  });

  it('splits the columns into blocks, each with the labels, only when they cannot share 100 columns', () => {
    const lines = renderTextTable(header(8), rows(8));
    expect(lines.filter((l) => l === '')).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('requests'))).toHaveLength(2);
    expect(renderTextTable(header(4), rows(4)).filter((l) => l === '')).toHaveLength(0);
  });

  it('narrows the label column before cutting words of the value columns', () => {
    const long = [{ label: 'a label of exactly thirty chr', cells: ['tcp_ignore_invalid_rst=0,', 'tcp_ignore_invalid_rst=1,', 'tcp_ignore_invalid_rst=0,'] }];
    const lines = renderTextTable(['a', 'b', 'c'], long);
    expect(lines.join('\n')).toContain('tcp_ignore_invalid_rst=1,');
    expect(lines[2]!.startsWith('a label of exactly')).toBe(true);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
  });
});
