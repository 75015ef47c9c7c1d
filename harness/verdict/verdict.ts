/**
 * The verdict rules (DESIGN.md "Verdict outcomes"): baseline = first arm, fix = last arm.
 * Pure: arms in, `Verdict` out, no I/O; the explanation names the numbers it rests on.
 */
import type { ArmResult, FixJudgement, Outcome, Verdict } from '../report/schema.js';
import { diagnose, diagnosisCounters, showsIdleExpiry } from './diagnosis.js';
import { describeArm as describeCounts, formatP, formatRate, kernelAtLeast } from './format.js';
import { ipvsNotes, pathIsMasqueraded } from './path-notes.js';
import { logEAbove, sequentialDecision, sequentialEvidence, sequentialTrafficFactor, SEQUENTIAL_DEFAULTS, SEQUENTIAL_TEST } from './sequential.js';
import { exactRateTest, trafficFactorToDecide } from './stats.js';
import { countedArm, unseenResets, UNSEEN_TEST_NOTE } from './unseen.js';

/** The test named in every verdict's `test` field. */
export const VERDICT_TEST = 'exact conditional test of two Poisson rates (one-sided, baseline > fix)';

/** Facts about the run that refine the explanation (never change the outcome). */
export interface VerdictContext {
  /** Scenario `fault.kind`: none, inject, delayed-duplicates, conntrack-flush. */
  faultKind?: string;
  /** Scenario `fault.offset` for inject: above-window or below-window. */
  offset?: string;
  /** Kernel release as read from the machine, e.g. "6.18.44-generic". */
  kernel?: string;
  /** Topology knobs as applied. */
  masquerade?: boolean;
  client?: 'pod' | 'node' | 'external';
  /** The data plane actually used (ipvs, iptables, nftables). */
  proxyMode?: string;
  service?: 'clusterIP' | 'nodePort';
  hairpin?: boolean;
  /** The kube-proxy behind node-a's rules, when the driver knows it (environment.kubeProxy). */
  kubeProxy?: { source?: 'model' | 'real'; kind?: 'real'; version: string; mode: string; dropInvalid?: boolean; wroteInvalidDrop?: boolean; dropInvalidBy?: 'kube-proxy' | 'lab override' };
}

/** Options of `decideVerdict`; defaults in `VERDICT_DEFAULTS`. */
export interface VerdictOptions {
  /** Significance level of the one-sided test (default 0.01). */
  alpha?: number;
  /** Fewer requests than this in the baseline or fix arm is "too little traffic" (default 2000). */
  minRequests?: number;
  context?: VerdictContext;
  /**
   * Decide with the sequential (anytime-valid) test instead of the fixed-sample exact test:
   * required whenever the arms were stopped on their counts (see sequential.ts). `pValue`
   * is then min(1, 1/e-value), and the verdict carries `sequential`.
   */
  sequential?: {
    minRatePerMillion?: number;
    /** Each arm's maximum seconds of load: with it, clean thresholds follow each arm's throughput (`cleanThreshold`). */
    maxSecPerArm?: number;
  };
}

/** Default verdict options. */
export const VERDICT_DEFAULTS = { alpha: 0.01, minRequests: 2000 } as const;

/**
 * Decides the verdict for `arms` (baseline = first, fix = last). Rules, first match wins:
 * fewer than 2 arms, any arm disturbed, or too little traffic -> inconclusive (pValue null);
 * then with p = one-sided exact test of baseline rate > fix rate:
 * no resets in either arm -> not-reproduced; p < alpha and none in fix -> reproduced if the
 * baseline shows conntrack INVALID or un-NATed leaks, else inconclusive (another cause);
 * resets only in fix and not significantly more (one-sided) -> not-reproduced (stray reset);
 * resets in fix -> not-fixed; p >= alpha with none in fix -> not-reproduced when the baseline
 * has no INVALID/leak evidence (noise), else inconclusive with `moreTrafficFactor`. `context` only adds explanatory sentences. Throws `RangeError` if alpha
 * is not in (0, 1). With `sequential`, p (and the stray-reset p) come from the anytime-valid
 * e-values instead, and before the zero-resets rule: both arms' rates shown below their clean
 * thresholds -> not-reproduced, unless baseline resets have INVALID/leak evidence behind them.
 */
export function decideVerdict(arms: ArmResult[], options: VerdictOptions = {}): Verdict {
  const verdict = decidePair(arms, options);
  const baseline = arms[0];
  const fixes: FixJudgement[] =
    arms.length > 2 && baseline
      ? arms.slice(1).map((arm) => {
          const v = decidePair([baseline, arm], options);
          return { arm: arm.name, judgement: JUDGEMENT[v.outcome], outcome: v.outcome, pValue: v.pValue, explanation: v.explanation };
        })
      : arms.length === 2
        ? [{ arm: verdict.fix, judgement: JUDGEMENT[verdict.outcome], outcome: verdict.outcome, pValue: verdict.pValue, explanation: verdict.explanation }]
        : [];
  const diagnosis = diagnose(baseline, fixes);
  const parts = [verdict.explanation];
  if (arms.length > 2 && baseline) {
    parts.push(`Each fix arm against ${baseline.name}: ${fixes.map((f) => `${f.arm} ${f.judgement.replace('-', ' ')}`).join('; ')}.`);
  }
  if (diagnosis.cause !== 'none') parts.push(diagnosis.explanation);
  return { ...verdict, explanation: parts.join(' '), ...(arms.length > 2 ? { fixes } : {}), diagnosis };
}

/** A fix arm's judgement from the two-arm outcome of baseline vs that arm. */
const JUDGEMENT: Record<Outcome, FixJudgement['judgement']> = {
  reproduced: 'fixed',
  'not-fixed': 'not-fixed',
  'not-reproduced': 'not-reproduced',
  inconclusive: 'inconclusive',
};

/** The two-arm rules (baseline = first, fix = last arm); see `decideVerdict`. */
function decidePair(measured: ArmResult[], options: VerdictOptions): Verdict {
  // Connections a leaked segment reset without the client seeing ECONNRESET count as resets (unseen.ts).
  const arms = measured.map(countedArm);
  const unseen = measured.some((a) => unseenResets(a) > 0);
  const describeArm = (a: ArmResult) => describeCounts(a, unseenResets(a));
  const alpha = options.alpha ?? VERDICT_DEFAULTS.alpha;
  const minRequests = options.minRequests ?? VERDICT_DEFAULTS.minRequests;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const baseline = arms[0];
  const fix = arms[arms.length - 1];
  const seq = options.sequential
    ? { alpha, minRequests, minRatePerMillion: options.sequential.minRatePerMillion ?? SEQUENTIAL_DEFAULTS.minRatePerMillion }
    : null;
  const maxSec = options.sequential?.maxSecPerArm;
  const count = (a: ArmResult) => {
    const seconds = a.trials.reduce((s, t) => s + t.durationSec, 0);
    return { requests: a.requests, resets: a.resets, ...(maxSec && seconds >= 1 ? { maxRequests: (a.requests / seconds) * maxSec } : {}) };
  };
  const make = (outcome: Outcome, explanation: string, pValue: number | null = null): Verdict => ({
    outcome,
    explanation,
    baseline: baseline?.name ?? '',
    fix: fix?.name ?? '',
    pValue,
    alpha,
    test: (seq ? SEQUENTIAL_TEST : VERDICT_TEST) + (unseen ? UNSEEN_TEST_NOTE : ''),
    ...(seq && baseline && fix && arms.length >= 2
      ? {
          sequential: {
            decision: sequentialDecision(count(baseline), count(fix), seq),
            minRatePerMillion: seq.minRatePerMillion,
            ...sequentialEvidence(count(baseline), count(fix), seq),
          },
        }
      : {}),
  });

  if (!baseline || !fix || arms.length < 2) {
    return make('inconclusive', `Inconclusive: needs a baseline and a fix arm (got ${arms.length} arm(s)).`);
  }
  const disturbed = arms.flatMap((a) => a.disturbed.map((reason) => `${a.name}: ${reason}`));
  if (disturbed.length > 0) {
    return make('inconclusive', `Inconclusive: the run was disturbed (${disturbed.join('; ')}).`);
  }
  const short = [baseline, fix].find((a) => a.requests < minRequests);
  if (short) {
    return make(
      'inconclusive',
      [
        `Inconclusive: too little traffic: ${short.requests} requests with ${short.name} (need at least ${minRequests}).`,
        `${describeArm(baseline)}; ${describeArm(fix)}.`,
        ...ipvsNotes('inconclusive', options.context ?? {}, baseline),
      ].join(' '),
    );
  }

  const eP = (a: ArmResult, b: ArmResult) => Math.min(1, Math.exp(-logEAbove(a.resets, a.requests, b.resets, b.requests)));
  const p = seq ? eP(baseline, fix) : exactRateTest(baseline.resets, baseline.requests, fix.resets, fix.requests).pGreater;
  const pShown = formatP(p);
  const pText = `${seq ? 'anytime-valid ' : ''}one-sided p ${pShown.startsWith('<') ? pShown : `= ${pShown}`} at alpha ${alpha}`;
  const both = `${describeArm(baseline)}; ${describeArm(fix)}; ${pText}.`;
  const context = options.context ?? {};
  const result = (outcome: Outcome, explanation: string, extra: Partial<Verdict> = {}): Verdict => ({
    ...make(outcome, [explanation, ...contextNotes(outcome, context, baseline)].join(' '), p),
    ...extra,
  });

  const idleExpiry = (x: ArmResult) => showsIdleExpiry(diagnosisCounters(x));
  const hasEvidence = (x: ArmResult) => x.evidence.conntrackInvalid > 0 || x.evidence.leakedUnNatted > 0 || idleExpiry(x);
  // Rates bounded below the clean threshold: not reproduced, unless the baseline's few resets
  // have the kernel chain behind them (then the rules below say how much more traffic decides).
  if (seq && sequentialDecision(count(baseline), count(fix), seq) === 'not-reproduced' && (baseline.resets === 0 || !hasEvidence(baseline))) {
    const v = sequentialEvidence(count(baseline), count(fix), seq);
    const [bT, fT] = [v.baselineCleanBelowPerMillion, v.fixCleanBelowPerMillion].map(formatRate);
    const raised = Math.max(v.baselineCleanBelowPerMillion, v.fixCleanBelowPerMillion) > seq.minRatePerMillion;
    return result(
      'not-reproduced',
      `Not reproduced: ${baseline.resets} reset(s) in ${baseline.requests} requests with ${baseline.name} and ` +
        `${fix.resets} in ${fix.requests} with ${fix.name}: both rates are below ` +
        (bT === fT ? `${bT} per million ` : `${bT} and ${fT} per million respectively `) +
        `(anytime-valid ${100 * (1 - alpha)}% upper bounds ${formatRate(v.baselineUpperPerMillion)} and ${formatRate(v.fixUpperPerMillion)} per million)` +
        (raised
          ? `; a threshold above ${formatRate(seq.minRatePerMillion)} per million is the rate a baseline would need to be decided within its maximum duration at that arm's throughput.`
          : '.'),
    );
  }
  if (baseline.resets === 0 && fix.resets === 0) {
    return result(
      'not-reproduced',
      `Not reproduced: no resets in ${baseline.requests} requests with ${baseline.name}; ` +
        `rate < ${formatRate(baseline.resetRate.high)} per million at 95% ` +
        `(and none in ${fix.requests} requests with ${fix.name}).`,
    );
  }
  if (p < alpha && fix.resets === 0) {
    const e = baseline.evidence;
    if (idleExpiry(baseline)) {
      return result(
        'reproduced',
        `Reproduced: ${both} Chain with ${baseline.name}: ${e.ipvsExpired} IPVS entries expired while established -> ` +
          `${e.vipResetsReceived} RSTs from the VIP (node-a sent ${e.nodeRstsSent ?? '?'}) -> ${baseline.resets} connections reset; ` +
          `${e.conntrackInvalid} conntrack INVALID, ${e.leakedUnNatted} leaked.`,
      );
    }
    if (e.conntrackInvalid === 0 && e.leakedUnNatted === 0) {
      return result(
        'inconclusive',
        'Inconclusive: ECONNRESETs appeared without any conntrack INVALID or un-NATed leak: ' +
          `another cause; not counted as reproduced. ${both}`,
      );
    }
    return result(
      'reproduced',
      `Reproduced: ${both} Chain with ${baseline.name}: ${e.conntrackInvalid} conntrack INVALID -> ` +
        `${e.leakedUnNatted} leaked un-NATed segments -> ${e.clientRstsSent} client RSTs -> ` +
        `${e.serverResets} server resets.`,
    );
  }
  if (p < alpha) {
    return result(
      'not-fixed',
      `Not fixed: ${fix.name} reduced resets from ${baseline.resets} to ${fix.resets} ` +
        `(${pText}) but did not remove them. ${describeArm(baseline)}; ${describeArm(fix)}.`,
    );
  }
  if (baseline.resets === 0 && fix.resets > 0) {
    const pLess = seq ? eP(fix, baseline) : exactRateTest(baseline.resets, baseline.requests, fix.resets, fix.requests).pLess;
    if (pLess >= alpha) {
      // A stray reset only with the fix arm is not evidence that the fix fails.
      return result(
        'not-reproduced',
        `Not reproduced: no resets in ${baseline.requests} requests with ${baseline.name}; ` +
          `${fix.resets} stray reset(s) with ${fix.name}, not significantly more ` +
          `(one-sided p = ${formatP(pLess)} at alpha ${alpha}).`,
      );
    }
  }
  if (fix.resets > 0) {
    return result(
      'not-fixed',
      `Not fixed: resets remain with ${fix.name}: ${baseline.resets} vs ${fix.resets}; the fix arm ` +
        `does not help — another cause such as conntrack entry loss. ${both}`,
    );
  }
  if (!hasEvidence(baseline)) {
    return result(
      'not-reproduced',
      `Not reproduced: ${baseline.resets} reset(s) with ${baseline.name} and none with ${fix.name}, not a ` +
        `significant difference (${pText}), and no conntrack INVALID or un-NATed leak behind them: noise, not this mechanism.`,
    );
  }
  const k = seq
    ? sequentialTrafficFactor(baseline.resets, baseline.requests, fix.resets, fix.requests, alpha)
    : trafficFactorToDecide(baseline.resets, baseline.requests, fix.resets, fix.requests, alpha);
  const more = k === null ? 'more than 1000× more traffic would be needed to decide' : `about ${k}× more traffic would decide`;
  return result('inconclusive', `Inconclusive: ${both} Too few resets to tell; ${more}.`, { moreTrafficFactor: k });
}

/** Sentences that put the outcome in context of the fault, kernel, knobs and evidence. */
function contextNotes(outcome: Outcome, ctx: VerdictContext, baseline: ArmResult): string[] {
  const notes: string[] = [];
  const e = baseline.evidence;
  const newKernel = ctx.kernel !== undefined && kernelAtLeast(ctx.kernel, 6, 1);
  if (ctx.faultKind === 'none') {
    notes.push(
      outcome === 'not-reproduced'
        ? 'Clean load control (no fault): no resets is the expected result.'
        : 'Clean load control (no fault): these resets are not caused by an injected fault.',
    );
  }
  const kp = ctx.kubeProxy;
  if (outcome === 'not-reproduced' && e.invalidDropped > 0) {
    const rule =
      kp && kp.dropInvalidBy !== 'lab override'
        ? `kube-proxy ${kp.version}'s INVALID rule on node-a (${kp.mode} mode: -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP${kp.source === 'model' ? ', modelled' : ', the real binary'})`
        : kp
          ? `The lab's INVALID-drop rule on node-a (override dropInvalid: true; kube-proxy ${kp.version} ${kp.mode} mode itself ${kp.mode === 'iptables' ? 'decides by be_liberal at its start' : 'writes none'})`
          : "The INVALID-drop rule on node-a (kube-proxy iptables mode's KUBE-FORWARD rule)";
    notes.push(`${rule} dropped ${e.invalidDropped} INVALID segments with ${baseline.name} before they could leak, so no RST was provoked.`);
  }
  if (outcome === 'reproduced' && (kp?.dropInvalid ?? kp?.wroteInvalidDrop) && pathIsMasqueraded(ctx)) {
    notes.push(
      `The INVALID drop was in place (${kp!.dropInvalidBy === 'lab override' ? 'lab override' : `kube-proxy ${kp!.version}'s KUBE-FORWARD rule`}; ${e.invalidDropped} dropped with ${baseline.name}), ` +
        "but it filters forwarded packets only: on a masqueraded path the INVALID reply skips the SNAT reversal, is addressed to node-a and goes to INPUT, which KUBE-FORWARD never sees (kubernetes#117924).",
    );
  }
  if (outcome === 'not-reproduced' && ctx.faultKind === 'inject' && ctx.offset === 'below-window' && newKernel) {
    notes.push(
      'Linux >= 6.1 (commit 6e250dcbff1d) ignores segments below the window instead of marking ' +
        'them INVALID, so they are reverse-NATed and cause no reset' +
        (e.injectedNatted !== undefined
          ? ` (${baseline.name}: ${e.injected} injected, ${e.conntrackInvalid} INVALID, ${e.injectedNatted} delivered reverse-NATed).`
          : '.'),
    );
  }
  if (outcome === 'not-reproduced' && ctx.faultKind === 'delayed-duplicates') {
    notes.push(
      `${e.injected} reply segments were copied and delivered late with ${baseline.name}; conntrack marked ` +
        `${e.conntrackInvalid} INVALID.` +
        (newKernel && e.conntrackInvalid === 0
          ? ' Linux >= 6.1 ignores such stale duplicates (below the window) instead of marking them INVALID; on older kernels they can reset connections.'
          : ''),
    );
  }
  if (outcome === 'not-fixed' && ctx.faultKind === 'conntrack-flush') {
    notes.push(
      `Negative control: deleting conntrack entries makes mid-stream replies start new, un-NATed entries ` +
        `(${e.leakedUnNatted} leaked with ${e.conntrackInvalid} INVALID with ${baseline.name}); entry loss is a different cause that be_liberal cannot fix.`,
    );
  }
  if (outcome === 'reproduced' && ctx.proxyMode !== 'ipvs' && pathIsMasqueraded(ctx)) {
    notes.push(
      ctx.client === 'node'
        ? 'The client runs on node-a itself (node-originated traffic): the leaked segment reaches its TCP stack, which sends the RST.'
        : 'With masquerade the leaked segment is addressed to node-a, whose TCP stack sends the RST (counted with the client side).',
    );
  }
  notes.push(...ipvsNotes(outcome, ctx, baseline));
  return notes;
}
