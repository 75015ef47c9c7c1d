/**
 * The report's timeline as data: each arm's load over time in bins whose width follows the
 * arms' length, and the moment each arm was decided. Bins are sums of what the load agent
 * counted (its `samples`, every 0.2 s, or for older reports its 1 s `ticks`): never
 * interpolated. Trials (or interleaved blocks) of an arm follow one another on its time axis.
 * Pure.
 */
import type { ArmResult, RunReport, TrialResult } from './schema.js';

/** One bin of one arm: seconds on the arm's axis, counts, and the rates over the bin's real length. */
export interface TimelineBin {
  arm: string;
  start: number;
  end: number;
  /** Midpoint, where the chart draws the bin. */
  t: number;
  requests: number;
  resets: number;
  requestsPerSec: number;
  resetsPerSec: number;
}

/** Where an arm's part of the verdict was settled (seconds on its axis). */
export interface TimelineDecision {
  arm: string;
  t: number;
  label: string;
}

/** An arm timeline set: the bin width chosen, what the bins were summed from, bins and decisions. */
export interface Timeline {
  binSec: number;
  /** `samples`: the agent's 0.2 s counters; `ticks`: per-second ticks (reports written before samples). */
  source: 'samples' | 'ticks';
  /** The finest width the source allows (the sample period, or 1 s). */
  baseSec: number;
  bins: TimelineBin[];
  decisions: TimelineDecision[];
  /** The end of the longest arm (or the latest decision), seconds. */
  endSec: number;
}

/** Bin widths (s) tried in order; the first that gives the longest arm at most `maxBins` bins wins. */
const WIDTHS = [0.2, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];

/** Default most bins per arm: 0.2 s bins up to 12 s arms, whole seconds up to a minute. */
export const MAX_BINS = 60;

interface Segment {
  start: number;
  end: number;
  requests: number;
  resets: number;
}

/** A trial's samples as segments from 0 (the agent's start); a last sample under half a period joins the one before it. */
function sampleSegments(t: TrialResult): Segment[] {
  const half = (t.samplePeriodMs ?? 1000) / 2000;
  const out: Segment[] = [];
  let start = 0;
  for (const s of t.samples ?? []) {
    const end = s.endMs / 1000;
    out.push({ start, end, requests: s.requests, resets: s.resets });
    start = end;
  }
  const last = out[out.length - 1];
  const before = out[out.length - 2];
  if (last && before && last.end - last.start < half) {
    out.pop();
    before.end = last.end;
    before.requests += last.requests;
    before.resets += last.resets;
  }
  return out;
}

/** A trial's per-second ticks as segments (tick `second` n covers n-1 to n). */
function tickSegments(t: TrialResult): Segment[] {
  return t.ticks.map((k) => ({ start: k.second - 1, end: k.second, requests: k.requests, resets: k.resets }));
}

/** One arm's segments on its own axis (trials in sequence) and the offset each trial starts at. */
function armSegments(a: ArmResult, source: Timeline['source']): { segments: Segment[]; offsets: number[] } {
  const segments: Segment[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const t of a.trials) {
    offsets.push(offset);
    const own = source === 'samples' ? sampleSegments(t) : tickSegments(t);
    for (const s of own) segments.push({ ...s, start: s.start + offset, end: s.end + offset });
    offset += Math.max(0, ...own.map((s) => s.end));
  }
  return { segments, offsets };
}

const seconds = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} s`;

/** The smallest width of `WIDTHS` (a whole multiple of `baseSec`) giving `lengthSec` at most `maxBins` bins. */
export function binWidth(lengthSec: number, baseSec: number, maxBins = MAX_BINS): number {
  const allowed = WIDTHS.filter((w) => w >= baseSec - 1e-9 && Math.abs(w / baseSec - Math.round(w / baseSec)) < 1e-9);
  return allowed.find((w) => lengthSec / w <= maxBins) ?? allowed[allowed.length - 1] ?? baseSec;
}

/**
 * Bins every arm's load (see module doc). Samples are used when every trial has them, else
 * ticks for all arms (one resolution per chart). At the base width each sample is its own
 * bin; wider bins sum the samples whose midpoint falls in them, and their rates divide by the
 * time those samples really covered. A decision is drawn for each arm whose stopping record
 * says `decided`, at that trial's offset plus the decision's seconds (the agent's clock).
 * Each trial's axis runs from its agent's start to the end of its drain; an arm with several
 * trials (interleaved blocks) is labelled with its record's seconds of load, which leave
 * those out, so its line sits a little after that figure.
 */
export function buildTimeline(report: RunReport, maxBins = MAX_BINS): Timeline {
  const trials = report.arms.flatMap((a) => a.trials);
  const source: Timeline['source'] = trials.length > 0 && trials.every((t) => t.samples && t.samples.length > 0) ? 'samples' : 'ticks';
  const baseSec = source === 'samples' ? Math.max(...trials.map((t) => t.samplePeriodMs ?? 1000)) / 1000 : 1;
  const perArm = report.arms.map((a) => ({ arm: a, ...armSegments(a, source) }));
  const longest = Math.max(0, ...perArm.flatMap((p) => p.segments.map((s) => s.end)));
  const binSec = binWidth(longest, baseSec, maxBins);
  const bins: TimelineBin[] = [];
  const decisions: TimelineDecision[] = [];
  for (const { arm, segments, offsets } of perArm) {
    const groups = new Map<number, Segment>();
    segments.forEach((s, i) => {
      const key = binSec === baseSec ? i : Math.floor((s.start + s.end) / 2 / binSec);
      const g = groups.get(key);
      if (!g) groups.set(key, { ...s });
      else {
        g.start = Math.min(g.start, s.start);
        g.end = Math.max(g.end, s.end);
        g.requests += s.requests;
        g.resets += s.resets;
      }
    });
    for (const g of groups.values()) {
      const len = g.end - g.start;
      if (len <= 0) continue;
      bins.push({ arm: arm.name, start: g.start, end: g.end, t: (g.start + g.end) / 2, requests: g.requests, resets: g.resets,
        requestsPerSec: g.requests / len, resetsPerSec: g.resets / len });
    }
    const i = arm.trials.findIndex((t) => t.stopping?.reason === 'decided');
    if (i >= 0) {
      const t = offsets[i]! + arm.trials[i]!.stopping!.seconds;
      // The label gives the stopping record's seconds of load, as the tables do; with several
      // trials the line sits a little later (each trial's axis includes its start-up and drain).
      const load = arm.stopping?.reason === 'decided' ? arm.stopping.seconds : t;
      decisions.push({ arm: arm.name, t, label: arm.trials.length > 1 ? `${arm.name} decided (${seconds(load)} of load)` : `${arm.name} decided at ${seconds(t)}` });
    }
  }
  const endSec = Math.max(longest, ...decisions.map((d) => d.t));
  return { binSec, source, baseSec, bins, decisions, endSec };
}

/** Axis ticks from 0 to at least `end`: a step of 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, ... s giving at most `most` intervals. */
export function secondTicks(end: number, most = 10): number[] {
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  const step = steps.find((s) => Math.ceil(end / s - 1e-9) <= most) ?? steps[steps.length - 1]!;
  const n = Math.max(1, Math.ceil(end / step - 1e-9));
  return Array.from({ length: n + 1 }, (_, i) => Number((i * step).toFixed(1)));
}

/**
 * The bin width in words: "0.2 s bins" (plus "(the stopping check's period)" when
 * `sequential` and the bins are that period), "1 s bins", or for reports with only ticks
 * "1 s bins (per-second ticks: this report has no finer samples)".
 */
export function binDescription(t: Timeline, sequential: boolean): string {
  const width = `${Number(t.binSec.toFixed(1))} s bins`;
  if (t.source === 'ticks') return `${width} (per-second ticks: this report has no finer samples)`;
  return t.binSec === t.baseSec && sequential ? `${width} (the stopping check's period)` : width;
}
