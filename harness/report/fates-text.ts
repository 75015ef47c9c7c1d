/**
 * The per-connection end of the evidence funnel as text: table rows for each fate of the
 * leaked segments' connections (`Evidence.leakFates`, counters/fates.ts) and one sentence per
 * arm that accounts for every leaked segment and says which fates took the resets the client
 * did not see. Shared by the terminal, Markdown and HTML renderers. Pure.
 */
import type { ArmResult, Evidence, RunReport } from './schema.js';

type LeakFates = NonNullable<Evidence['leakFates']>;
type FateKey = Exclude<keyof LeakFates, 'segments' | 'repeats' | 'connections' | 'serverAnsweredRst'>;

/** Each fate: its key, a table label and the phrase a sentence uses. */
export const FATE_TEXT: ReadonlyArray<readonly [FateKey, string, string]> = [
  ['econnreset', '   ECONNRESET seen by the client', 'ended with ECONNRESET at the client'],
  ['hungAtStop', '   hung until the load stopped', 'still waiting for a response when the load stopped (the server answered the close with a RST: it had dropped the connection)'],
  ['timedOut', '   timed out (autocannon)', "hung until autocannon's request timeout"],
  ['closed', '   closed by the server (FIN)', 'closed by the server with a FIN (autocannon reconnected without an error)'],
  ['otherError', '   other socket error', 'ended with another socket error'],
  ['survived', '   survived (server kept it)', 'kept serving: the server did not take the RST (its next request had already arrived)'],
  ['unmatched', '   no load-agent socket matched', 'matched no socket of the load agent'],
];

const int = (n: number) => String(Math.round(n));

/** The fate rows of the comparison table (only when some arm has fates; zero-only fates left out). */
export function fateRows(arms: ArmResult[]): { label: string; cells: string[] }[] {
  if (!arms.some((a) => a.evidence.leakFates)) return [];
  const cell = (a: ArmResult, f: (x: LeakFates) => string) => (a.evidence.leakFates ? f(a.evidence.leakFates) : '-');
  return [
    {
      label: '-> leaked segments seen answered (RST capture)',
      cells: arms.map((a) => cell(a, (x) => (x.repeats > 0 ? `${x.segments} (${x.repeats} repeats)` : int(x.segments)))),
    },
    { label: '-> requests they hit (one per connection)', cells: arms.map((a) => cell(a, (x) => int(x.connections))) },
    ...FATE_TEXT.filter(([key]) => arms.some((a) => (a.evidence.leakFates?.[key] ?? 0) > 0)).map(([key, label]) => ({
      label,
      cells: arms.map((a) => cell(a, (x) => int(x[key]))),
    })),
  ];
}

/**
 * One sentence for an arm with identified leaks: the leaked segments, the connections they hit
 * and every fate; when the client saw fewer resets than the server counted, which fates took
 * the rest. Null for arms without fates or without leaks.
 */
export function fateSentence(a: ArmResult): string | null {
  const x = a.evidence.leakFates;
  const e = a.evidence;
  if (!x || x.segments === 0) return null;
  const parts = FATE_TEXT.filter(([key]) => x[key] > 0).map(([key, , phrase]) => `${x[key]} ${phrase}`);
  const repeats = x.repeats > 0 ? ` (${x.repeats} of them hit a request again: the client retransmitted it, the injector forged again)` : '';
  const seen = x.econnreset;
  const rest = FATE_TEXT.filter(([key]) => key !== 'econnreset' && key !== 'survived' && x[key] > 0).map(([key, label]) => `${x[key]} ${label.trim()}`);
  const gap =
    seen < e.serverResets
      ? ` The server counted ${e.serverResets} connection resets, the client saw ${a.resets} ECONNRESET${seen !== a.resets ? ` (${seen} on these connections)` : ''}; the rest: ${rest.length ? rest.join(', ') : 'none of these fates'}.`
      : '';
  const unexplained = e.leakedUnNatted > x.segments ? ` ${e.leakedUnNatted - x.segments} leaked segment(s) counted by the kernel drew no RST the capture could tie to a forged segment.` : '';
  return `${a.name}: the RST capture tied ${x.segments} client RSTs to forged segments${repeats}, on ${x.connections} connections: ${parts.join('; ')}.${gap}${unexplained}`;
}

/** The fate sentences of every arm that has one. */
export function fateSentences(report: RunReport): string[] {
  return report.arms.map(fateSentence).filter((s): s is string => s !== null);
}
