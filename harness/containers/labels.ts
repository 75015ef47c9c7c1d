/**
 * Labels on every container resetlab starts, so cleanup finds them again by label after a
 * crash (never by in-memory state): `resetlab.prefix=<run prefix>` and `resetlab.role=<what>`.
 * testcontainers adds its own (`org.testcontainers.session-id`, which Ryuk reaps).
 */

/** The run prefix label (also on the kind driver's Kubernetes objects). */
export const PREFIX_LABEL = 'resetlab.prefix';
/** What the container is: an agent name (`server`, `load`, `inject`) or `toolbox`. */
export const ROLE_LABEL = 'resetlab.role';

/** The labels of a container of run `prefix` with `role`. Pure. */
export function containerLabels(prefix: string, role: string): Record<string, string> {
  return { [PREFIX_LABEL]: prefix, [ROLE_LABEL]: role };
}
