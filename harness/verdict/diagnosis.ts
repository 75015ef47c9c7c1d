/**
 * The differential diagnosis: which cause the baseline's counters point to when it resets.
 * Rules, from the counters only (never the scenario's name or fault), first match wins:
 * - `conntrack-loss`: conntrack entries were deleted mid-stream (`entriesDeleted` reported by
 *   the fault) and segments leaked un-NATed;
 * - `out-of-window`: segments leaked un-NATed and conntrack marked segments INVALID, and no
 *   IPVS entry expired (where that is measured);
 * - `idle-expiry`: IPVS entries expired while ESTABLISHED and node-a itself sent RSTs from the
 *   VIP, at least one per reset. Leaks and INVALID may come with it: measured on 6.1, replies
 *   to connections IPVS had already forgotten (its conntrack entry goes with the IPVS entry,
 *   vs.conntrack=1) leave node-a un-NATed; they are named, not hidden;
 * - `unexplained`: anything else, with the counters, never a guess.
 * No resets with the baseline: `none`. Pure.
 */
import type { ArmResult, Diagnosis, FixJudgement } from '../report/schema.js';

/** The counters the rules read, from the baseline arm (absent ones are not measured). */
export function diagnosisCounters(baseline: ArmResult): Record<string, number> & { resets: number; conntrackInvalid: number; leakedUnNatted: number } {
  const e = baseline.evidence;
  const deleted = baseline.trials.reduce((s, t) => s + (typeof t.faultDetails?.['entriesDeleted'] === 'number' ? (t.faultDetails['entriesDeleted'] as number) : 0), 0);
  const anyDeleted = baseline.trials.some((t) => typeof t.faultDetails?.['entriesDeleted'] === 'number');
  return {
    resets: baseline.resets,
    conntrackInvalid: e.conntrackInvalid,
    leakedUnNatted: e.leakedUnNatted,
    ...(anyDeleted ? { conntrackEntriesDeleted: deleted } : {}),
    ...(e.ipvsExpired !== undefined ? { ipvsExpired: e.ipvsExpired } : {}),
    ...(e.vipResetsReceived !== undefined ? { vipResetsReceived: e.vipResetsReceived } : {}),
    ...(e.nodeRstsSent !== undefined ? { nodeRstsSent: e.nodeRstsSent } : {}),
    clientRstsSent: e.clientRstsSent,
    serverResets: e.serverResets,
  };
}

const list = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ');

/** True when the baseline's counters show IPVS idle expiry (see module doc). */
export function showsIdleExpiry(c: Record<string, number>): boolean {
  return (c.ipvsExpired ?? 0) > 0 && (c.nodeRstsSent ?? 0) > 0 && (c.vipResetsReceived ?? 0) >= Math.max(1, c.resets ?? 0);
}

/** The diagnosis of `baseline`, naming the fix arms judged `fixed` in `fixes`. */
export function diagnose(baseline: ArmResult | undefined, fixes: readonly FixJudgement[]): Diagnosis {
  if (!baseline) return { cause: 'none', explanation: 'No baseline arm: nothing to diagnose.', counters: {}, fixedBy: [] };
  const c = diagnosisCounters(baseline);
  const fixedBy = fixes.filter((f) => f.judgement === 'fixed').map((f) => f.arm);
  const notFixed = fixes.filter((f) => f.judgement === 'not-fixed').map((f) => f.arm);
  const by =
    fixes.length === 0
      ? ''
      : ` ${fixedBy.length > 0 ? `Fixed by ${fixedBy.join(', ')}` : 'No fix arm removed the resets'}` +
        `${notFixed.length > 0 ? `; not fixed by ${notFixed.join(', ')}` : ''}.`;
  const make = (cause: Diagnosis['cause'], sentence: string): Diagnosis => ({ cause, explanation: sentence + by, counters: c, fixedBy });
  const idle = () =>
    make(
      'idle-expiry',
      `Diagnosis: IPVS idle expiry: ${c.ipvsExpired} IPVS entries expired while established and ${c.vipResetsReceived} RSTs came from the VIP itself ` +
        `(node-a sent ${c.nodeRstsSent}) for ${c.resets} resets: IPVS forgot connections that were idle longer than its TCP timeout, so their next segment ` +
        'was not scheduled and node-a answered it; be_liberal does not apply (TCP keepalive under the IPVS timeout or a longer IPVS timeout does).' +
        (c.leakedUnNatted > 0 || c.conntrackInvalid > 0
          ? ` Also ${c.leakedUnNatted} replies leaked un-NATed and ${c.conntrackInvalid} segments were INVALID: replies to connections IPVS had already forgotten.`
          : ''),
    );
  if (baseline.resets === 0) return { cause: 'none', explanation: `No resets with ${baseline.name}: nothing to diagnose.`, counters: c, fixedBy };
  if ((c.conntrackEntriesDeleted ?? 0) > 0 && c.leakedUnNatted > 0) {
    return make(
      'conntrack-loss',
      `Diagnosis: conntrack entry loss: ${c.conntrackEntriesDeleted} entries were deleted mid-stream and ${c.leakedUnNatted} replies leaked un-NATed ` +
        `(${c.conntrackInvalid} INVALID); be_liberal does not apply.`,
    );
  }
  if (showsIdleExpiry(c)) return idle();
  if (c.leakedUnNatted > 0 && c.conntrackInvalid > 0) {
    return make(
      'out-of-window',
      `Diagnosis: out of window: conntrack marked ${c.conntrackInvalid} segments INVALID and ${c.leakedUnNatted} leaked un-NATed from the pod address, ` +
        `so the client reset them; be_liberal=1 or an INVALID drop applies.`,
    );
  }
  return make('unexplained', `Diagnosis: unexplained: the counters match no known cause (${list(c)}).`);
}
