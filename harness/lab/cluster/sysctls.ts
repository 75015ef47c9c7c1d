/**
 * Sysctls on a kind lab: written with `docker exec <node> sysctl -w` on the nodes of the
 * asked roles AND on every other node of the cluster (control plane included: a fix like
 * be_liberal=1 is applied cluster-wide, as an operator would), then read back on every one
 * of them; any difference throws. In a kept cluster the values found before the first write
 * are restored when the lab is destroyed.
 */
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import type { RunOptions, RunResult } from '../../exec/runner.js';
import type { NodeRole } from '../lab.js';
import { parseSysctlOutput, sysctlMismatches, sysctlReadArgv, sysctlWriteArgv } from '../sysctl.js';

/** Anything that runs commands and has a stable id (a KindNode, or the control plane). */
export interface Execer {
  readonly id: string;
  exec(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** A node of the cluster that always gets the sysctls, with the key it is reported under. */
export interface ClusterNode {
  key: string;
  node: Execer;
}

/** See module doc. */
export class ClusterSysctls {
  private readonly originals = new Map<string, { node: Execer; values: Record<string, number> }>();
  private restoreRegistered = false;

  constructor(
    private readonly roleNodes: Record<NodeRole, Execer>,
    private readonly clusterNodes: readonly ClusterNode[],
    /** Where to register the restore (only for kept clusters), else null. */
    private readonly keptCleanup: CleanupStack | null,
  ) {}

  /** The asked roles, then every cluster node not already covered (same id). */
  targets(roles: readonly NodeRole[]): ClusterNode[] {
    const byId = new Map<string, ClusterNode>();
    for (const r of roles) if (!byId.has(this.roleNodes[r].id)) byId.set(this.roleNodes[r].id, { key: r, node: this.roleNodes[r] });
    for (const c of this.clusterNodes) if (!byId.has(c.node.id)) byId.set(c.node.id, c);
    return [...byId.values()];
  }

  /** Writes `values` everywhere (see module doc), reads them back, throws on any mismatch. */
  async set(roles: readonly NodeRole[], values: Record<string, number>): Promise<Record<string, Record<string, number>>> {
    const targets = this.targets(roles);
    const keys = Object.keys(values);
    if (this.keptCleanup) await this.rememberOriginals(targets, keys);
    await Promise.all(targets.map((t) => t.node.exec(sysctlWriteArgv(values))));
    const read = await this.readTargets(targets, keys);
    const problems = targets.flatMap((t) => sysctlMismatches(values, read[t.key] ?? {}).map((m) => `${t.key} (${t.node.id}): ${m}`));
    if (problems.length > 0) throw new Error(`failed to set sysctls: ${problems.join('; ')}`);
    return read;
  }

  /** Reads `keys` on the roles' nodes and every cluster node; absent keys are omitted. */
  read(roles: readonly NodeRole[], keys: readonly string[]): Promise<Record<string, Record<string, number>>> {
    return this.readTargets(this.targets(roles), keys);
  }

  private async readTargets(targets: readonly ClusterNode[], keys: readonly string[]) {
    const out: Record<string, Record<string, number>> = {};
    await Promise.all(
      targets.map(async (t) => {
        out[t.key] = parseSysctlOutput((await t.node.exec(sysctlReadArgv(keys), { check: false })).stdout);
      }),
    );
    return out;
  }

  /** Records each node's value of every key before we first change it, and registers the restore once. */
  private async rememberOriginals(targets: readonly ClusterNode[], keys: readonly string[]): Promise<void> {
    await Promise.all(
      targets.map(async (t) => {
        const entry = this.originals.get(t.node.id) ?? { node: t.node, values: {} };
        this.originals.set(t.node.id, entry);
        const unseen = keys.filter((k) => !(k in entry.values));
        if (unseen.length === 0) return;
        const found = parseSysctlOutput((await t.node.exec(sysctlReadArgv(unseen), { check: false })).stdout);
        for (const k of unseen) if (found[k] !== undefined) entry.values[k] = found[k];
      }),
    );
    if (!this.restoreRegistered && this.keptCleanup) {
      this.restoreRegistered = true;
      this.keptCleanup.push('changed sysctls (restoring the kept cluster\'s values)', () => this.restore());
    }
  }

  private async restore(): Promise<void> {
    await Promise.all(
      [...this.originals.values()]
        .filter((o) => Object.keys(o.values).length > 0)
        .map((o) => o.node.exec(sysctlWriteArgv(o.values))),
    );
  }
}
