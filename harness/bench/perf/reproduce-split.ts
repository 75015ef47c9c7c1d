/**
 * Where the time of `npm run reproduce` goes, from one run: the build check's own time, then
 * the CLI's progress lines (stderr, timestamped as they arrive) cut into phases. Each
 * interval between two lines belongs to the phase the earlier line opened. Pure.
 *
 * Scenarios that run side by side tag their lines `[scenario]` (run/run-each.ts): each is a
 * lane with its own phases, and the wall time is split along the lane that finished last
 * (the critical path), so the wall phases still add up to the whole run.
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

/** One side-by-side scenario's phases (lab set-up, load, between arms), from its first line to its last arm's result. */
export interface LaneTime {
  scenario: string;
  sec: number;
  phases: PhaseTime[];
}

/** The split of one run: wall phases (along the critical lane when scenarios ran side by side) and each lane's own. */
export interface ReproduceSplit {
  phases: PhaseTime[];
  /** Side by side only: one entry per scenario, in the order their lines first appeared. */
  lanes?: LaneTime[];
}

const RESULT = /^\s*\S+: \d+ requests, \d+ resets/;
const TAG = /^\s*\[([^\]]+)\] (.*)$/;

function classify(text: string): Phase | null {
  if (/^resetlab: running /.test(text) || /provisioning the lab/.test(text) || /^\s*lab rl-\w+: /.test(text)) return 'lab set-up (provision, data plane, agents)';
  if (/^\s*arm \S+ \(trial/.test(text) || /\d+\/\d+s\s+\d+ req\/s/.test(text)) return 'load (arms running)';
  if (/stopping the load/.test(text) || RESULT.test(text)) return 'between arms (stop, counters, flush, teardown)';
  if (/^Summary/.test(text)) return 'last report files and exit';
  return null; // "wrote ...", notes: the phase goes on
}

const zero = () => new Map<Phase, number>(PHASES.map((p) => [p, 0]));

function toPhaseTimes(secs: Map<Phase, number>, only?: readonly Phase[]): PhaseTime[] {
  const shown = only ?? PHASES;
  const total = shown.reduce((a, p) => a + secs.get(p)!, 0);
  return shown.map((p) => ({ phase: p, sec: secs.get(p)!, ratio: total > 0 ? secs.get(p)! / total : 0 }));
}

/** Adds the intervals of `lines` (from `from`, in phase `phase`) up to `until` into `secs`. */
function walk(secs: Map<Phase, number>, lines: TimedLine[], phase: Phase, from: number, until: number, lastResult: number): void {
  lines.forEach((l, i) => {
    if (l.atSec > until) return;
    const next = i === lastResult ? 'last report files and exit' : (classify(l.text) ?? phase);
    secs.set(phase, secs.get(phase)! + Math.max(0, l.atSec - from));
    phase = next;
    from = l.atSec;
  });
  secs.set(phase, secs.get(phase)! + Math.max(0, until - from));
}

const LANE_PHASES: readonly Phase[] = ['lab set-up (provision, data plane, agents)', 'load (arms running)', 'between arms (stop, counters, flush, teardown)'];

/**
 * Splits one reproduce run: `buildCheckSec` (the build check before the CLI), the CLI's
 * `lines`, and `exitSec` (when the process exited, since its spawn). The interval after the
 * last arm's result line up to "Summary" is the last scenario's teardown and report files.
 */
export function splitReproduce(buildCheckSec: number, lines: TimedLine[], exitSec: number): ReproduceSplit {
  const byLane = new Map<string, TimedLine[]>();
  for (const l of lines) {
    const m = TAG.exec(l.text);
    if (m) byLane.set(m[1]!, [...(byLane.get(m[1]!) ?? []), { atSec: l.atSec, text: m[2]! }]);
  }
  if (byLane.size === 0) {
    // One after another: one lane, the whole run.
    const secs = zero();
    secs.set('build check', buildCheckSec);
    const summaryAt = lines.findIndex((l) => /^Summary/.test(l.text));
    let lastResult = -1;
    lines.forEach((l, i) => {
      if (RESULT.test(l.text) && (summaryAt < 0 || i < summaryAt)) lastResult = i;
    });
    walk(secs, lines, 'start-up (node, imports, leftover scan)', 0, exitSec, lastResult);
    return { phases: toPhaseTimes(secs) };
  }
  const lanes: LaneTime[] = [];
  let critical: { lines: TimedLine[]; end: number } | null = null;
  for (const [scenario, own] of byLane) {
    const start = own[0]!.atSec;
    const ends = own.filter((l) => RESULT.test(l.text));
    const end = (ends.at(-1) ?? own.at(-1)!).atSec;
    const secs = zero();
    walk(secs, own, 'lab set-up (provision, data plane, agents)', start, end, -1);
    lanes.push({ scenario, sec: end - start, phases: toPhaseTimes(secs, LANE_PHASES) });
    if (!critical || end > critical.end) critical = { lines: own, end };
  }
  const first = Math.min(...[...byLane.values()].map((own) => own[0]!.atSec));
  const secs = zero();
  secs.set('build check', buildCheckSec);
  secs.set('start-up (node, imports, leftover scan)', first);
  // From the first lab's first line to the critical lane's last result, along the critical lane.
  walk(secs, critical!.lines, 'lab set-up (provision, data plane, agents)', first, critical!.end, -1);
  secs.set('last report files and exit', Math.max(0, exitSec - critical!.end));
  return { phases: toPhaseTimes(secs), lanes };
}
