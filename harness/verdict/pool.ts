/**
 * Pooling the trials of one arm into an `ArmResult`. Pure: no I/O, never throws on valid trials.
 */
import type { ArmResult, Evidence, Latency, TrialResult } from '../report/schema.js';
import { poissonInterval } from './stats.js';

/** The node whose sysctls an arm reports (the proxy node), see `ArmResult.sysctls`. */
export const PROXY_NODE = 'node-a';

const EVIDENCE_KEYS = [
  'injected',
  'conntrackInvalid',
  'invalidDropped',
  'leakedUnNatted',
  'clientRstsSent',
  'serverResets',
] as const;

/**
 * Pools `trials` of the arm `name`:
 * - requests, resets, errors (per key) and evidence counters are summed (`conntrackIgnored`
 *   only when some trial has it);
 * - throughput = total bytes / total duration, where a trial's bytes are
 *   `throughputBytesPerSec * durationSec`; requestsPerSec = total requests / total duration
 *   (both 0 when the total duration is 0);
 * - latency: p50/p90/p99/mean are the means of the trials' values weighted by their requests
 *   (equal weights if no trial has requests). Exact for one trial and for `mean`; only an
 *   approximation of the pooled percentiles across several trials. `max` is the maximum;
 * - sysctls: `sysctlsByNode['node-a']` of the first trial, else its first node, else `{}`;
 * - resetRate: `poissonInterval(resets, requests)` (exact Garwood 95%);
 * - disturbed: every trial's reasons, prefixed `trial N: ` with N = `trial.trial`.
 * Zero trials give a valid empty arm (all zeros).
 */
export function poolArm(name: string, trials: TrialResult[]): ArmResult {
  let requests = 0;
  let resets = 0;
  let bytes = 0;
  let duration = 0;
  const errors: Record<string, number> = {};
  for (const t of trials) {
    requests += t.requests;
    resets += t.resets;
    bytes += t.throughputBytesPerSec * t.durationSec;
    duration += t.durationSec;
    for (const [key, count] of Object.entries(t.errors)) errors[key] = (errors[key] ?? 0) + count;
  }
  return {
    name,
    sysctls: proxySysctls(trials[0]),
    requests,
    resets,
    errors,
    throughputBytesPerSec: duration > 0 ? bytes / duration : 0,
    requestsPerSec: duration > 0 ? requests / duration : 0,
    latencyMs: poolLatency(trials),
    evidence: poolEvidence(trials),
    resetRate: poissonInterval(resets, requests),
    ...(trials[0]?.dataPlaneRules ? { dataPlaneRules: trials[0].dataPlaneRules } : {}),
    ...(trials[0]?.ipvsTimeouts ? { ipvsTimeouts: trials[0].ipvsTimeouts } : {}),
    ...(trials[0]?.keepalive ? { keepalive: trials[0].keepalive } : {}),
    ...(trials[0]?.armInvalidDrop ? { armInvalidDrop: trials[0].armInvalidDrop } : {}),
    trials: [...trials],
    disturbed: [
      ...trials.flatMap((t) => t.disturbed.map((reason) => `trial ${t.trial}: ${reason}`)),
      ...rulesChanged(trials),
    ],
  };
}

/** A disturbance when the data-plane rules differ between trials of one arm (something re-synced them). */
function rulesChanged(trials: TrialResult[]): string[] {
  const first = trials[0]?.dataPlaneRules;
  if (!first) return [];
  const key = JSON.stringify(first);
  const changed = trials.filter((t) => t.dataPlaneRules && JSON.stringify(t.dataPlaneRules) !== key).map((t) => t.trial);
  return changed.length > 0 ? [`data-plane rules changed between trials (trial ${changed.join(', ')} differs from trial ${trials[0]!.trial})`] : [];
}

function proxySysctls(first: TrialResult | undefined): Record<string, number> {
  if (!first) return {};
  const byNode = first.sysctlsByNode;
  const chosen = byNode[PROXY_NODE] ?? Object.values(byNode)[0];
  return chosen ? { ...chosen } : {};
}

const OPTIONAL_KEYS = ['conntrackIgnored', 'injectedNatted', 'ipvsConns', 'ipvsInPackets', 'ipvsOutPackets', 'nodeRstsSent', 'vipResetsReceived', 'ipvsExpired', 'armInvalidDropped'] as const;

function poolEvidence(trials: TrialResult[]): Evidence {
  const sum: Evidence = {
    injected: 0,
    conntrackInvalid: 0,
    invalidDropped: 0,
    leakedUnNatted: 0,
    clientRstsSent: 0,
    serverResets: 0,
  };
  // Optional counters are summed only when some trial measured them (absent means "not measured").
  const optional: Partial<Record<(typeof OPTIONAL_KEYS)[number], number>> = {};
  for (const t of trials) {
    for (const key of EVIDENCE_KEYS) sum[key] += t.evidence[key];
    for (const key of OPTIONAL_KEYS) {
      const v = t.evidence[key];
      if (v !== undefined) optional[key] = (optional[key] ?? 0) + v;
    }
  }
  const fates = trials.map((t) => t.evidence.leakFates).filter((f): f is NonNullable<Evidence['leakFates']> => f !== undefined);
  const leakFates = fates.length === 0 ? undefined : fates.reduce((a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof typeof a] + b[k as keyof typeof b]])) as typeof a);
  return { ...sum, ...optional, ...(leakFates ? { leakFates } : {}) };
}

function poolLatency(trials: TrialResult[]): Latency {
  if (trials.length === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  const total = trials.reduce((s, t) => s + t.requests, 0);
  const weight = (t: TrialResult): number => (total > 0 ? t.requests / total : 1 / trials.length);
  const avg = (pick: (l: Latency) => number): number =>
    trials.reduce((s, t) => s + weight(t) * pick(t.latencyMs), 0);
  return {
    p50: avg((l) => l.p50),
    p90: avg((l) => l.p90),
    p99: avg((l) => l.p99),
    max: Math.max(...trials.map((t) => t.latencyMs.max)),
    mean: avg((l) => l.mean),
  };
}
