/**
 * The verdict module: pure statistics and verdict rules over `ArmResult`s (types only from
 * ../report/schema.js). Import from here rather than from the individual files.
 */
export { poissonInterval, exactRateTest, trafficFactorToDecide } from './stats.js';
export type { RateInterval, RateTest } from './stats.js';
export { poolArm, PROXY_NODE } from './pool.js';
export { decideVerdict, VERDICT_DEFAULTS, VERDICT_TEST } from './verdict.js';
export { baselinePart, logEAbove, sequentialDecision, sequentialEvidence, SEQUENTIAL_DEFAULTS, SEQUENTIAL_TEST } from './sequential.js';
export type { ArmCount, BaselinePart, SequentialDecision, SequentialEvidence, SequentialOptions } from './sequential.js';
export type { VerdictContext, VerdictOptions } from './verdict.js';
export { formatP, formatRate } from './format.js';
