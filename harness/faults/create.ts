/**
 * Creates the `Fault` for a scenario's `fault` spec. `faultProblems` says, before any side
 * effect, which fault kinds this build cannot run yet.
 */
import type { FaultSpec, LoadSpec } from '../scenario/schema.js';
import { ConntrackFlushFault } from './conntrack-flush.js';
import { DelayedDuplicatesFault } from './delayed-duplicates.js';
import type { Fault } from './fault.js';
import { InjectFault } from './inject.js';
import { IpvsIdleExpiryFault } from './ipvs-idle-expiry.js';
import { NoFault } from './none.js';

/** Fault kinds this build implements. */
export const IMPLEMENTED_FAULTS = ['none', 'inject', 'delayed-duplicates', 'conntrack-flush', 'ipvs-idle-expiry'] as const;

/** A problem message if `spec.kind` cannot run, else null. */
export function faultProblem(spec: FaultSpec): string | null {
  return (IMPLEMENTED_FAULTS as readonly string[]).includes(spec.kind)
    ? null
    : `fault kind "${spec.kind}" is not implemented yet (implemented: ${IMPLEMENTED_FAULTS.join(', ')})`;
}

/** A fresh fault for one arm; `deadlineMs` bounds any agent it starts. */
export function createFault(spec: FaultSpec, deadlineMs: number): Fault {
  switch (spec.kind) {
    case 'none':
      return new NoFault();
    case 'inject':
      return new InjectFault({ offset: spec.offset, ratePerSecond: spec.ratePerSecond, deadlineMs });
    case 'delayed-duplicates':
      return new DelayedDuplicatesFault({ fraction: spec.fraction, delayMs: spec.delayMs });
    case 'conntrack-flush':
      return new ConntrackFlushFault(spec.intervalMs);
    case 'ipvs-idle-expiry':
      return new IpvsIdleExpiryFault(spec.tcpTimeoutSec);
    default:
      throw new Error(`unknown fault ${JSON.stringify(spec)}`);
  }
}

/**
 * The least requests an arm needs (beyond the verdict's own minimum) for the fault to have
 * acted on every connection: `ipvs-idle-expiry` resets only on a connection's first request
 * after an idle gap, so every connection must have gone through three gaps and asked again:
 * connections x (3 x afterRequests + 1). 0 for other faults. Pure.
 */
export function faultMinRequests(spec: FaultSpec, load: LoadSpec): number {
  if (spec.kind !== 'ipvs-idle-expiry' || !load.idle) return 0;
  return load.connections * (3 * load.idle.afterRequests + 1);
}

/**
 * The least load time (ms) an arm needs before it may stop on a decision. The sequential test
 * assumes resets arrive at a steady rate per request while the fault acts. `conntrack-flush`
 * acts in bursts at its interval, and its resets can lag a flush by more than a short arm
 * lasts (measured: a 500 ms interval left a 1.1 s liberal=1 arm clean that resets over 3 s),
 * so its arms run their full duration: Infinity (the caller caps it at the maximum).
 * `ipvs-idle-expiry` resets only after each of the load's idle gaps: three gaps (`load.idle`).
 * 0 for faults that act steadily from the start (none, inject, delayed-duplicates).
 */
export function faultMinExposureMs(spec: FaultSpec, load?: LoadSpec): number {
  if (spec.kind === 'conntrack-flush') return Number.POSITIVE_INFINITY;
  // Idle expiry resets come only after each idle gap: an arm must have lived through three.
  if (spec.kind === 'ipvs-idle-expiry' && load?.idle) return 3 * load.idle.gapMs;
  return 0;
}
