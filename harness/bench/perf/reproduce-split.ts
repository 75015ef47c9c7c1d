/**
 * Where the time of `npm run reproduce` goes, from one run: the build check's own time, then
 * the CLI's progress lines (stderr, timestamped as they arrive) cut into phases. Each
 * interval between two lines belongs to the phase the earlier line opened. Pure.
 */

/** One stderr line and when it arrived, in seconds since the CLI process was spawned. */
export interface TimedLine {
  atSec: number;
  text: string;
}

/** The phases, in the order they are shown. */
export const PHASES = [
  'build check',
  'start-up (node, imports, leftover scan)',
  'lab set-up (provision, data plane, agents)',
  'load (arms running)',
  'between arms (stop, counters, flush, teardown)',
  'last report files and exit',
] as const;
export type Phase = (typeof PHASES)[number];

/** One phase's seconds and share of the whole. */
export interface PhaseTime {
  phase: Phase;
  sec: number;
  ratio: number;
}

function classify(text: string): Phase | null {
  if (/^resetlab: running /.test(text) || /provisioning the lab/.test(text) || /^\s*lab rl-\w+: /.test(text)) return 'lab set-up (provision, data plane, agents)';
  if (/^\s*arm \S+ \(trial/.test(text) || /\d+\/\d+s\s+\d+ req\/s/.test(text)) return 'load (arms running)';
  if (/stopping the load/.test(text) || /^\s*\S+: \d+ requests, \d+ resets/.test(text)) return 'between arms (stop, counters, flush, teardown)';
  if (/^Summary/.test(text)) return 'last report files and exit';
  return null; // "wrote ...", notes: the phase goes on
}

/**
 * Splits one reproduce run: `buildCheckSec` (the build check before the CLI), the CLI's
 * `lines`, and `exitSec` (when the process exited, since its spawn). The interval after the
 * last arm's result line up to "Summary" is the last scenario's teardown and report files.
 */
export function splitReproduce(buildCheckSec: number, lines: TimedLine[], exitSec: number): PhaseTime[] {
  const secs = new Map<Phase, number>(PHASES.map((p) => [p, 0]));
  secs.set('build check', buildCheckSec);
  let phase: Phase = 'start-up (node, imports, leftover scan)';
  let from = 0;
  const summaryAt = lines.findIndex((l) => /^Summary/.test(l.text));
  let lastResult = -1;
  lines.forEach((l, i) => {
    if (/^\s*\S+: \d+ requests, \d+ resets/.test(l.text) && (summaryAt < 0 || i < summaryAt)) lastResult = i;
  });
  lines.forEach((l, i) => {
    const next = i === lastResult ? 'last report files and exit' : (classify(l.text) ?? phase);
    secs.set(phase, secs.get(phase)! + Math.max(0, l.atSec - from));
    phase = next;
    from = l.atSec;
  });
  secs.set(phase, secs.get(phase)! + Math.max(0, exitSec - from));
  const total = [...secs.values()].reduce((a, b) => a + b, 0);
  return PHASES.map((p) => ({ phase: p, sec: secs.get(p)!, ratio: total > 0 ? secs.get(p)! / total : 0 }));
}
