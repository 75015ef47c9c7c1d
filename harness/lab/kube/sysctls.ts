/**
 * Node A's sysctls on a cluster the user has, through the node agent (cluster/node-agent.ts).
 * Before each write the agent's state file and the namespace's annotation get every changed
 * key's original value (the node's value before resetlab's first write) and resetlab's
 * latest write, so the agent's SIGTERM trap, its lifetime, `restore()` here, and `resetlab
 * cleanup` all know what to put back. A restore writes the original only where the value is
 * still resetlab's (someone else's later change is left alone and said). Only node A is
 * changed: the driver's `nodeRoles` is `['node-a']`.
 */
import type { Runner } from '../../exec/runner.js';
import type { NodeRole } from '../lab.js';
import { parseSysctlOutput, sysctlMismatches, sysctlReadArgv, sysctlWriteArgv } from '../sysctl.js';
import { NODE_AGENT_STATE_FILE, shouldRestore, sysctlStateText, type ChangedSysctl } from '../cluster/node-agent.js';
import type { KubeNodeAgent } from './node.js';

/** The namespace annotation holding the changed sysctls (JSON of `SysctlRecord`). */
export const SYSCTLS_ANNOTATION = 'resetlab.io/sysctls';

/** What the annotation records. */
export interface SysctlRecord {
  node: string;
  changed: ChangedSysctl[];
}

/** The annotation's value. Pure. */
export function sysctlRecordText(node: string, changed: readonly ChangedSysctl[]): string {
  return JSON.stringify({ node, changed: [...changed] } satisfies SysctlRecord);
}

/** Parses the annotation (null when absent or not ours). Pure. */
export function parseSysctlRecord(text: string | undefined): SysctlRecord | null {
  if (!text) return null;
  try {
    const doc = JSON.parse(text) as Partial<SysctlRecord>;
    if (typeof doc.node !== 'string' || !Array.isArray(doc.changed)) return null;
    const changed = doc.changed.filter((c): c is ChangedSysctl => typeof c?.key === 'string' && Number.isFinite(c.original) && Number.isFinite(c.written));
    return { node: doc.node, changed };
  } catch {
    return null;
  }
}

/** See module doc. */
export class KubeSysctls {
  private readonly changed = new Map<string, ChangedSysctl>();

  constructor(
    private readonly agent: KubeNodeAgent,
    /** Writes the annotation on the run's namespace (`kubectl annotate --overwrite`). */
    private readonly annotate: (value: string) => Promise<void>,
  ) {}

  /** The sysctls changed so far (for the report and cleanup). */
  list(): ChangedSysctl[] {
    return [...this.changed.values()];
  }

  /** Writes `values` on node A (other roles have no node of their own here), reads them back, throws on a mismatch. */
  async set(roles: readonly NodeRole[], values: Record<string, number>): Promise<Record<string, Record<string, number>>> {
    void roles;
    const keys = Object.keys(values);
    const unseen = keys.filter((k) => !this.changed.has(k));
    const before = unseen.length > 0 ? parseSysctlOutput((await this.agent.exec(sysctlReadArgv(unseen), { check: false })).stdout) : {};
    for (const k of unseen) {
      if (before[k] === undefined) throw new Error(`failed to set sysctls on node ${this.agent.nodeName}: ${k} does not exist there`);
    }
    // The namespace's record changes with a new key or a new written value (each arm's), so `cleanup` says what resetlab last wrote.
    const recordChanges = keys.some((k) => this.changed.get(k)?.written !== values[k]);
    for (const k of keys) this.changed.set(k, { key: k, original: this.changed.get(k)?.original ?? before[k]!, written: values[k]! });
    // Recorded before the write: a run killed right after it still has its values restored.
    await this.agent.inPod(['sh', '-c', `cat > ${NODE_AGENT_STATE_FILE}`], { input: sysctlStateText(this.list()) });
    if (recordChanges) await this.annotate(sysctlRecordText(this.agent.nodeName, this.list()));
    await this.agent.exec(sysctlWriteArgv(values));
    const read = parseSysctlOutput((await this.agent.exec(sysctlReadArgv(keys), { check: false })).stdout);
    const problems = sysctlMismatches(values, read);
    if (problems.length > 0) throw new Error(`failed to set sysctls on node ${this.agent.nodeName}: ${problems.join('; ')}`);
    return { 'node-a': read };
  }

  /** Reads `keys` on node A; absent keys are omitted. */
  async read(roles: readonly NodeRole[], keys: readonly string[]): Promise<Record<string, Record<string, number>>> {
    void roles;
    return { 'node-a': parseSysctlOutput((await this.agent.exec(sysctlReadArgv(keys), { check: false })).stdout) };
  }

  /**
   * Puts the originals back where the value is still resetlab's, then empties the agent's state
   * file (so its trap has nothing left to do). Returns one line per changed key.
   */
  async restore(): Promise<string[]> {
    const all = this.list();
    if (all.length === 0) return [];
    const now = parseSysctlOutput((await this.agent.exec(sysctlReadArgv(all.map((c) => c.key)), { check: false })).stdout);
    const back = all.filter((c) => shouldRestore(now[c.key], c));
    if (back.length > 0) await this.agent.exec(sysctlWriteArgv(Object.fromEntries(back.map((c) => [c.key, c.original]))));
    await this.agent.inPod(['sh', '-c', `: > ${NODE_AGENT_STATE_FILE}`]);
    this.changed.clear();
    return all.map((c) =>
      back.includes(c) ? `${c.key} restored to ${c.original}` : now[c.key] === c.original ? `${c.key} already ${c.original}` : `${c.key} left at ${now[c.key] ?? 'nothing'} (resetlab wrote ${c.written}; it was changed since)`,
    );
  }
}

/** `kubectl annotate namespace NS --overwrite KEY=VALUE` through `kubectl`. */
export async function annotateNamespace(runner: Runner, kubectl: (...args: string[]) => string[], namespace: string, key: string, value: string): Promise<void> {
  await runner.run(kubectl('annotate', 'namespace', namespace, '--overwrite', `${key}=${value}`), { timeoutMs: 60_000 });
}
