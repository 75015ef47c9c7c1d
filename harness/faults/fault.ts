/**
 * `Fault`: what disturbs the connections while the load runs. `apply` starts it (any process
 * or rule it creates is registered on the given cleanup stack at birth); `revert` stops it
 * and reports what it did, measured (e.g. segments the injector handed to the kernel).
 */
import type { InjectHit } from '../agents/inject.js';
import type { CleanupStack } from '../exec/cleanup-stack.js';
import type { Lab } from '../lab/lab.js';

/** What a fault did during one arm. */
export interface FaultReport {
  /** Segments injected or copied (0 when the fault does not send any). */
  injected: number;
  /** Fault-specific measured details (e.g. `sniffed`, `flushes`). */
  details: Record<string, unknown>;
  /** Evidence counters the fault measured itself (merged into the arm's evidence). */
  evidence?: { ipvsExpired?: number };
  /** Set when the fault could not be trusted (agent killed at its deadline, ...). */
  disturbed?: string;
  /**
   * Per-connection raw material (inject only), for counters/fates.ts: every forged segment, and
   * tcpdump's lines for the RSTs a capture in the server's namespace saw (absent when it could
   * not run: `captureProblem`).
   */
  trace?: { hits: InjectHit[]; rstLines?: string[]; captureProblem?: string };
}

/** A fault, created per arm from the scenario's `fault`. */
export interface Fault {
  readonly kind: string;
  apply(lab: Lab, cleanup: CleanupStack): Promise<void>;
  revert(lab: Lab): Promise<FaultReport>;
}
