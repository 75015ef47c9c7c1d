/**
 * Text renderings of the RPS benchmark: the table (one row per arm) for the terminal and for
 * summary.md, the significance statements and the RFS note. Pure: returns strings.
 */
import { formatRate } from '../../verdict/index.js';
import type { RpsBenchArm, RpsBenchDoc } from './doc.js';
import type { SampleSummary } from '../welch.js';

/** Column headers of the table. */
export const RPS_TABLE_HEADER = ['arm', 'req/s mean ± sd [min-max]', 'MB/s mean ± sd [min-max]', 'p50 ms', 'p99 ms', 'resets per million [95% CI]', 'softirq % per CPU', 'busy % per CPU', 'NET_RX/s per CPU'];

const round = (x: number) => String(Math.round(x));
const mb = (x: number) => (x / 1e6).toFixed(1);
const ms = (x: number) => String(Number(x.toPrecision(3)));
const pct = (x: number) => `${(x * 100).toFixed(0)}`;
const kilo = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)}k` : round(x));

/** "41210 ± 560 [40877-42012]" (no ± part for a single trial). */
export function spread(s: SampleSummary, fmt: (x: number) => string): string {
  if (s.n === 0) return '-';
  return s.n === 1 ? fmt(s.mean) : `${fmt(s.mean)} ± ${fmt(s.sd)} [${fmt(s.min)}-${fmt(s.max)}]`;
}

/** What the significance section says when there is no comparison sentence. */
export const NO_COMPARISON = { incomplete: 'run incomplete: no comparison', oneMask: 'only one mask: nothing to compare' } as const;

/** The significance lines: the comparison sentences, or why there are none. */
export function significanceLines(doc: RpsBenchDoc): string[] {
  if (!doc.complete) return [NO_COMPARISON.incomplete];
  return doc.comparisons.length ? doc.comparisons.map((c) => c.sentence) : [NO_COMPARISON.oneMask];
}

/** The arm's name, with "(2 of 3 trials; 1 disturbed excluded)" when disturbed trials were left out. */
export function armLabel(a: RpsBenchArm): string {
  const excluded = a.excludedTrials ?? 0;
  return excluded > 0 ? `${a.name} (${a.trials.length - excluded} of ${a.trials.length} trials; ${excluded} disturbed excluded)` : a.name;
}

/** The table cells of one arm, in RPS_TABLE_HEADER order (figures over the clean trials). */
export function armRow(a: RpsBenchArm): string[] {
  const perCpu = (pick: (c: RpsBenchArm['cpu'][number]) => string) => (a.cpu.length ? a.cpu.map(pick).join(' / ') : 'n/a');
  const latency = (s: SampleSummary) => (s.n === 0 ? '-' : ms(s.mean));
  return [
    armLabel(a),
    spread(a.requestsPerSec, round),
    spread(a.bytesPerSec, mb),
    latency(a.latencyMs.p50),
    latency(a.latencyMs.p99),
    `${formatRate(a.resetRate.perMillion)} [${formatRate(a.resetRate.low)}-${formatRate(a.resetRate.high)}] (${a.resets}/${a.requests})`,
    perCpu((c) => pct(c.softirqShare)),
    perCpu((c) => pct(c.busyShare)),
    perCpu((c) => kilo(c.netRxPerSec)),
  ];
}

/** The headline: what ran, where. */
export function rpsHeadline(doc: RpsBenchDoc): string {
  const s = doc.settings;
  return `RPS benchmark: scenario ${s.scenario}, masks ${s.masks.join(', ')}${s.liberal ? ` x liberal ${s.liberal.join(', ')}` : ''}, ` +
    `${s.trials} trial${s.trials === 1 ? '' : 's'} of ${s.durationSec}s per arm, rps_cpus on ${s.rpsInterfaces.join(', ')} of ${s.rpsNodes.join(', ')} — ` +
    `${doc.environment.cpus} CPUs, kernel ${doc.environment.kernel}, ${doc.environment.proxyMode} data plane`;
}

/** Lines explaining how to read the numbers (shared by terminal and Markdown). */
export function rpsFootnotes(doc: RpsBenchDoc): string[] {
  return [
    `Order: ${doc.settings.order}.`,
    'CPU columns: /proc/stat and /proc/softirqs deltas from the first to the last load tick of each trial (from the load start if only one tick came), averaged over trials; ' +
      'they count the whole machine (other processes included), busy = not idle or iowait.',
    `Significance: alpha ${doc.settings.alpha} per comparison, each mask against the first mask (${doc.settings.masks[0]}), not corrected for multiple comparisons; ` +
      'disturbed trials (load agent killed, no result, interrupted) are left out of every figure and test.',
    doc.rfs.note,
  ];
}

/** The terminal rendering: headline, aligned table, significance statements, notes. */
export function renderRpsTerminal(doc: RpsBenchDoc): string {
  const table = [RPS_TABLE_HEADER, ...doc.arms.map(armRow)];
  const widths = RPS_TABLE_HEADER.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    rpsHeadline(doc),
    '',
    fmt(RPS_TABLE_HEADER),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...doc.arms.map((a) => fmt(armRow(a))),
    '',
    'Significance:',
    ...significanceLines(doc).map((l) => `  - ${l}`),
    '',
    ...rpsFootnotes(doc),
    ...doc.notes.map((n) => `Note: ${n}`),
    ...(doc.complete ? [] : ['INCOMPLETE: the run was interrupted; the numbers are what was measured before it stopped.']),
    '',
  ].join('\n');
}

const cell = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');

/** summary.md: the same content in GitHub-flavoured Markdown. */
export function renderRpsMarkdown(doc: RpsBenchDoc): string {
  return [
    `## resetlab ${cell(rpsHeadline(doc))}`,
    '',
    `| ${RPS_TABLE_HEADER.map(cell).join(' | ')} |`,
    `|---|${RPS_TABLE_HEADER.slice(1).map(() => '---:').join('|')}|`,
    ...doc.arms.map((a) => `| ${armRow(a).map(cell).join(' | ')} |`),
    '',
    '**Significance**',
    '',
    ...significanceLines(doc).map((l) => `- ${cell(l)}`),
    '',
    ...rpsFootnotes(doc).map((l) => `> ${l}`),
    ...doc.notes.map((n) => `> Note: ${n}`),
    '',
    `Environment: kernel \`${doc.environment.kernel}\`, ${doc.environment.cpus} CPUs, driver \`${doc.environment.driver}\`, ` +
      `data plane \`${doc.environment.proxyMode}\`, Node ${doc.environment.nodeVersion}, autocannon ${doc.environment.autocannonVersion}` +
      `${doc.environment.gitCommit ? `, commit ${doc.environment.gitCommit.slice(0, 12)}` : ''}; ${doc.complete ? 'complete' : '**incomplete**'} run, ${doc.elapsedSec.toFixed(1)} s.`,
    '',
  ].join('\n');
}
