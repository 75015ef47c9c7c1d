import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';
import { loadFixture } from '../../test/helpers/reports.js';
import { RunReport } from './schema.js';

const loadReport = (): RunReport =>
  RunReport.parse(JSON.parse(readFileSync(new URL('../../test/fixtures/reports/reproduced.json', import.meta.url), 'utf8')));

/** Splits a Markdown table line into cells on pipes that are not escaped. */
const cellsOf = (line: string): string[] => line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
const tableLines = (md: string): string[] => md.split('\n').filter((l) => l.startsWith('|'));

describe('renderMarkdown', () => {
  const report = loadReport();
  const md = renderMarkdown(report);

  it('has a heading with the headline and the verdict in bold', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('## resetlab: over-window: REPRODUCED — netns lab, iptables data plane, kernel 6.18.44-fc-v669');
    expect(lines).toContain(`**Verdict: \`reproduced\`.** ${report.verdict.explanation}`);
    expect(md).toContain('Test: exact conditional test of two Poisson rates (one-sided, baseline > fix), alpha 0.01.');
  });

  it('has the arms as columns in order, and one right-aligned separator per arm', () => {
    const [header, separator, ...rows] = tableLines(md);
    expect(header).toBe('| | liberal=0 | liberal=1 |');
    expect(separator).toBe('|---|---:|---:|');
    expect(rows).toHaveLength(16);
    for (const r of rows) expect(cellsOf(r)).toHaveLength(3);
  });

  it.each<[string, string, string]>([
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
    ['throughput', '2.32 Gbit/s', '2.82 Gbit/s'],
  ])('row %s shows %s and %s', (label, a, b) => {
    expect(tableLines(md).map(cellsOf).find((c) => c[0] === label)).toEqual([label, a, b]);
  });

  it('has one `---:` per arm for any number of arms', () => {
    const [a, b] = report.arms;
    if (!a || !b) throw new Error('fixture needs two arms');
    const three = renderMarkdown({ ...report, arms: [a, { ...a, name: 'middle' }, b] });
    expect(tableLines(three)[1]).toBe('|---|---:|---:|---:|');
    expect(tableLines(three)[0]).toBe('| | liberal=0 | middle | liberal=1 |');
  });

  it('escapes pipes in arm names and cells so the table keeps its columns', () => {
    const [a, b] = report.arms;
    if (!a || !b) throw new Error('fixture needs two arms');
    const out = renderMarkdown({ ...report, arms: [{ ...a, name: 'loose|liberal', errors: { 'Error: a|b': 2 } }, b] });
    const [header, , ...rows] = tableLines(out);
    expect(header).toBe('| | loose\\|liberal | liberal=1 |');
    expect(rows.find((r) => r.startsWith('| other errors'))).toBe('| other errors | Error: a\\|b 2 | 0 |');
    for (const line of tableLines(out)) expect(cellsOf(line)).toHaveLength(3);
  });

  it('lists the environment with the data plane actually used and why', () => {
    expect(md).toContain('- kernel `6.18.44-fc-v669`, 2 CPUs, driver `netns`');
    expect(md).toContain(`- data plane \`iptables\`: ${report.environment.proxyModeReason}`);
    expect(md).toContain('- Node v20.20.2, autocannon 8.0.0, resetlab 0.1.0\n');
    expect(md).toContain('- scenario `over-window` from `built-in:over-window`; complete run, 29.4 s');
  });

  it('shortens the git commit to 12 characters', () => {
    const out = renderMarkdown({ ...report, environment: { ...report.environment, gitCommit: '0123456789abcdef0123456789abcdef01234567' } });
    expect(out).toContain('resetlab 0.1.0 (0123456789ab)\n');
  });

  it('says an incomplete run is incomplete, in the heading and the details, and quotes notes', () => {
    const out = renderMarkdown({ ...report, complete: false, notes: ['interrupted by SIGINT'] });
    expect(out.split('\n')[0]).toContain('REPRODUCED (incomplete run)');
    expect(out).toContain('**incomplete** run');
    expect(out).toContain('\n> Note: interrupted by SIGINT\n');
    expect(md).not.toContain('> Note:');
  });

  it('has no ANSI escape codes', () => {
    // eslint-disable-next-line no-control-regex
    expect(md).not.toMatch(/\u001b/);
  });

  it('an early-stopped run: a short "stopped" cell per arm, the full record as a list under the stopping sentence', () => {
    const out = renderMarkdown(loadFixture('ci-early-stopped'));
    expect(tableLines(out).find((l) => l.startsWith('| stopped'))).toBe('| stopped | decided at 8.6 s (2018 req) | decided at 4.4 s (2017 req) |');
    expect(out).toMatch(/Stopping: sequential .*\n\n- liberal=0: decided \(baseline positive\) at 2018 requests, 38 resets, 8\.6 s\n- liberal=1: decided \(reproduced\) at 2017 requests, 0 resets, 4\.4 s\n/);
  });
});
