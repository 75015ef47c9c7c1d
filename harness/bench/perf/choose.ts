/**
 * Which load agent configuration the harness benchmark reports: one process when it reaches
 * wrk's requests/s, otherwise the process count with the most requests/s (adding processes is
 * the remedy when one falls short). Pure.
 */

/** One measured configuration: process count and mean requests/s. */
export interface AgentVariant {
  processes: number;
  requestsPerSec: { mean: number };
}

/** The variant to report (see module doc); `variants` must not be empty. */
export function chooseAgentVariant<T extends AgentVariant>(variants: readonly T[], wrkRequestsPerSec: number): T {
  const sorted = [...variants].sort((a, b) => a.processes - b.processes);
  const single = sorted[0]!;
  if (single.requestsPerSec.mean >= wrkRequestsPerSec) return single;
  return sorted.reduce((best, v) => (v.requestsPerSec.mean > best.requestsPerSec.mean ? v : best), single);
}
