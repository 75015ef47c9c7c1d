/**
 * Finding and removing resetlab's containers by label, so cleanup works after a crash and
 * without Ryuk: every container carries `resetlab.prefix=<run prefix>` (labels.ts). Through
 * testcontainers' engine client; a missing container is not an error.
 */
import { PREFIX_LABEL } from './labels.js';
import { removeContainer } from './generic.js';
import { engineClient } from './runtime.js';

/** A labelled container, as listed. */
export interface LabelledContainer {
  id: string;
  prefix: string;
  name: string;
  state: string;
}

/** Containers grouped by run prefix, prefixes sorted. Pure. */
export function byPrefix(list: readonly LabelledContainer[]): Map<string, LabelledContainer[]> {
  const out = new Map<string, LabelledContainer[]>();
  for (const c of [...list].sort((a, b) => a.prefix.localeCompare(b.prefix) || a.name.localeCompare(b.name))) {
    out.set(c.prefix, [...(out.get(c.prefix) ?? []), c]);
  }
  return out;
}

/** Every container (running or not) labelled with a prefix, or only `prefix`'s. */
export async function listLabelled(prefix?: string): Promise<LabelledContainer[]> {
  const client = await engineClient();
  const infos = await client.container.dockerode.listContainers({
    all: true,
    filters: { label: [prefix === undefined ? PREFIX_LABEL : `${PREFIX_LABEL}=${prefix}`] },
  });
  return infos.map((i) => ({
    id: i.Id,
    prefix: i.Labels[PREFIX_LABEL] ?? '',
    name: (i.Names[0] ?? i.Id).replace(/^\//, ''),
    state: i.State,
  }));
}

/** Force-removes every container of `prefix`; returns their names. */
export async function removePrefixContainers(prefix: string): Promise<string[]> {
  const list = await listLabelled(prefix);
  await Promise.all(list.map((c) => removeContainer(c.id)));
  return list.map((c) => c.name);
}

/** What `removeContainerLeftovers` did. */
export interface ContainerLeftoverReport {
  /** `prefix (names)` per removed run. */
  removed: string[];
  inUse: string[];
  problems: string[];
}

/**
 * Removes the containers of every run whose owner is gone (`liveOwner(prefix)` null or this
 * process); runs still alive are left alone.
 */
export async function removeContainerLeftovers(liveOwner: (prefix: string) => number | null): Promise<ContainerLeftoverReport> {
  const report: ContainerLeftoverReport = { removed: [], inUse: [], problems: [] };
  for (const [prefix, containers] of byPrefix(await listLabelled())) {
    const owner = liveOwner(prefix);
    if (owner !== null && owner !== process.pid) {
      report.inUse.push(`${prefix} (pid ${owner})`);
      continue;
    }
    try {
      await Promise.all(containers.map((c) => removeContainer(c.id)));
      report.removed.push(`${prefix} (${containers.map((c) => c.name).join(', ')})`);
    } catch (error) {
      report.problems.push(`failed to remove the containers of ${prefix}: ${(error as Error).message}`);
    }
  }
  return report;
}
