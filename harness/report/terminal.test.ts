import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/reports.js';
import { RunReport } from './schema.js';
import { renderTerminal, TABLE_WIDTH } from './terminal.js';

const loadReport = (): RunReport =>
  RunReport.parse(JSON.parse(readFileSync(new URL('../../test/fixtures/reports/reproduced.json', import.meta.url), 'utf8')));
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/;

/** The table lines of a rendering, split into cells (columns are separated by two or more spaces). */
function table(text: string): string[][] {
  const lines = text.split('\n');
  const start = lines.indexOf('') + 1;
  const end = lines.indexOf('', start);
  return lines.slice(start, end).filter((l) => !/^[- ]+$/.test(l)).map((l) => l.trim().split(/\s{2,}/));
}

describe('renderTerminal', () => {
  const report = loadReport();
  const text = renderTerminal(report);
  const lines = text.split('\n');

  it('starts with the headline and ends with the verdict sentence', () => {
    expect(lines[0]).toBe('over-window: REPRODUCED — netns lab, iptables data plane, kernel 6.18.44-fc-v669');
    expect(lines).toContain(`Verdict: reproduced. ${report.verdict.explanation}`);
    expect(text).toContain(
      'Chain with liberal=0: 480 conntrack INVALID -> 240 leaked un-NATed segments -> 240 client RSTs -> 208 server resets.',
    );
    expect(text.endsWith('\n')).toBe(true);
  });

  it('has the arms as columns, in order', () => {
    expect(table(text)[0]).toEqual(['liberal=0', 'liberal=1']);
  });

  it.each<[string, string, string]>([
    ['tcp_be_liberal', '0', '1'],
    ['requests', '44296', '53899'],
    ['resets (ECONNRESET)', '198', '0'],
    ['resets per million [95% CI]', '4470 [3869-5138]', '0 [0-68.4]'],
    ['injected segments', '240', '240'],
    ['-> conntrack INVALID (node-a)', '480', '0'],
    ['-> dropped by INVALID rule', '0', '0'],
    ['-> leaked un-NATed to client', '240', '0'],
    ['(injected, delivered NATed)', '0', '240'],
    ['-> client RSTs sent', '240', '0'],
    ['-> server connections reset', '208', '0'],
    ['latency p50 / p99', '10.12 ms / 31.4 ms', '8.91 ms / 17.63 ms'],
  ])('row %s shows %s and %s', (label, a, b) => {
    expect(table(text).find((r) => r[0] === label)).toEqual([label, a, b]);
  });

  it('aligns every table line to the same width and rules off the four groups', () => {
    const body = lines.slice(2, lines.indexOf('', 2));
    expect(body).toHaveLength(1 + 4 + 16);
    expect(new Set(body.map((l) => l.length)).size).toBe(1);
    expect(body.filter((l) => /^[- ]+$/.test(l))).toHaveLength(4);
    expect(body.find((l) => l.startsWith('requests '))).toMatch(/ 44296  +53899$/);
  });

  it('has no ANSI escape codes unless colour is asked for', () => {
    expect(text).not.toMatch(ANSI);
    expect(renderTerminal(report, { colour: false })).toBe(text);
  });

  it.each<[RunReport['verdict']['outcome'], string]>([
    ['reproduced', '\u001b[1;31m'],
    ['not-reproduced', '\u001b[1;32m'],
    ['not-fixed', '\u001b[1;33m'],
    ['inconclusive', '\u001b[1;35m'],
  ])('colour: %s colours only the headline', (outcome, code) => {
    const coloured = renderTerminal({ ...report, verdict: { ...report.verdict, outcome } }, { colour: true }).split('\n');
    expect(coloured[0]?.startsWith(code)).toBe(true);
    expect(coloured[0]?.endsWith('\u001b[0m')).toBe(true);
    expect(coloured.slice(1).join('\n')).not.toMatch(ANSI);
  });

  it('says an incomplete run is incomplete and prints every note', () => {
    const out = renderTerminal({ ...report, complete: false, notes: ['interrupted by SIGINT', 'failed to remove x'] });
    expect(out.split('\n')[0]).toContain('(incomplete run)');
    expect(out).toContain('Note: interrupted by SIGINT\nNote: failed to remove x\n');
  });

  it('widens a column for a long arm name', () => {
    const [a, b] = report.arms;
    if (!a || !b) throw new Error('fixture needs two arms');
    const out = renderTerminal({ ...report, arms: [a, { ...b, name: 'liberal=1 and tcp_loose=0' }] });
    expect(table(out)[0]).toEqual(['liberal=0', 'liberal=1 and tcp_loose=0']);
    // The second arm's column is 25 wide: 2 separator spaces + 20 padding before '53899'.
    expect(out.split('\n').find((l) => l.startsWith('requests '))).toMatch(/ 44296 {22}53899$/);
  });
});

/** The table of a rendering: the lines from the arm names to the blank line after the table (blocks included). */
function tableLines(text: string): string[] {
  const lines = text.split('\n');
  const end = lines.findIndex((l) => l.startsWith('Verdict: '));
  return lines.slice(2, end - 1);
}

describe('renderTerminal of early-stopped runs (captured on this host)', () => {
  it.each<[string, number]>([
    ['ci-early-stopped', 2],
    ['ci-four-arms', 4],
  ])('%s: %i arms in one table no wider than 100 columns, with every count', (name, arms) => {
    const report = loadFixture(name as 'ci-early-stopped' | 'ci-four-arms');
    expect(report.arms).toHaveLength(arms);
    const text = renderTerminal(report);
    const table = tableLines(text);
    expect(Math.max(...table.map((l) => l.length))).toBeLessThanOrEqual(TABLE_WIDTH);
    expect(table).not.toContain(''); // one block: the arms share the width
    for (const a of report.arms) {
      expect(table.find((l) => l.startsWith('requests '))).toContain(` ${a.requests}`);
      expect(table.find((l) => l.startsWith('-> conntrack INVALID'))).toContain(` ${a.evidence.conntrackInvalid}`);
    }
  });

  it('keeps one short "stopped" cell per arm and the full record under the table', () => {
    const report = loadFixture('ci-early-stopped');
    const text = renderTerminal(report);
    expect(tableLines(text).find((l) => l.startsWith('stopped'))).toMatch(/^stopped +decided at 8\.6 s \(2018 req\) +decided at 4\.4 s \(2017 req\)$/);
    expect(text).toContain('\n  liberal=0: decided (baseline positive) at 2018 requests, 38 resets, 8.6 s\n  liberal=1: decided (reproduced) at 2017 requests, 0 resets, 4.4 s\n');
    expect(text.indexOf('Stopping: sequential')).toBeLessThan(text.indexOf('  liberal=0: decided'));
  });

  it('wraps long cells of four arms onto more lines instead of widening the table', () => {
    const table = tableLines(renderTerminal(loadFixture('ci-four-arms')));
    const at = table.findIndex((l) => l.startsWith('latency p50 / p99'));
    // "96.32 ms / 1217.54 ms" does not fit its column: it continues on the next line.
    expect(table[at]).toContain('96.32 ms /');
    expect(table[at + 1]).toMatch(/^ {30}.*1217\.54 ms/);
  });
});
