/**
 * The order arms run in, trial by trial, for benchmarks that compare arms on one lab. Arms are
 * interleaved (every trial runs every arm once) and counterbalanced: odd trials run them in
 * the listed order, even trials in reverse (A B C, C B A, A B C, ...), so a slow drift of the
 * machine (heat, other load) adds the same on average to every arm instead of looking like an
 * effect of the arm. Pure.
 */

/** Arm indexes for `trial` (1-based) of `armCount` arms: listed order in odd trials, reversed in even ones. */
export function counterbalancedOrder(trial: number, armCount: number): number[] {
  const order = Array.from({ length: armCount }, (_, i) => i);
  return trial % 2 === 0 ? order.reverse() : order;
}

/** The whole run as `[trial, armIndex]` pairs in execution order (for display and tests). */
export function fullSchedule(trials: number, armCount: number): Array<[trial: number, arm: number]> {
  const out: Array<[number, number]> = [];
  for (let t = 1; t <= trials; t++) for (const a of counterbalancedOrder(t, armCount)) out.push([t, a]);
  return out;
}
