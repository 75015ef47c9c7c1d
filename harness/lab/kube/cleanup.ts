/**
 * `resetlab cleanup --driver kube`: the namespaces of dead runs on the named cluster, found
 * by the `resetlab.prefix` label (never by name alone), removed like Sonobuoy removes its
 * own. A namespace is dead when its owner annotation names this machine and no live process
 * of this machine owns its prefix; one owned by another machine is left alone and said.
 * Before the namespace goes, its node agent is deleted on its own while its log is followed,
 * so the restore lines of its SIGTERM trap (cluster/node-agent.ts) are printed; the sysctls
 * the namespace recorded are said too.
 */
import { hostname } from 'node:os';
import type { Runner } from '../../exec/runner.js';
import { liveOwner } from '../owner.js';
import { PREFIX_LABEL, workloadNames } from '../cluster/manifests.js';
import { kubectlFor, type KubeTarget } from './api.js';
import { OWNER_ANNOTATION } from './provider.js';
import { parseSysctlRecord, SYSCTLS_ANNOTATION, type SysctlRecord } from './sysctls.js';

/** One of resetlab's namespaces as the cluster lists it. */
export interface RunNamespace {
  name: string;
  prefix: string;
  owner: { host: string; pid: number } | null;
  sysctls: SysctlRecord | null;
  terminating: boolean;
}

/** Parses `kubectl get namespaces -l resetlab.prefix -o json`. Pure. */
export function parseRunNamespaces(text: string): RunNamespace[] {
  const doc = JSON.parse(text) as { items?: { metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string } }[] };
  return (doc.items ?? []).flatMap((item) => {
    const m = item.metadata;
    const prefix = m?.labels?.[PREFIX_LABEL];
    if (!m?.name || !prefix) return [];
    const owner = /^(.+)\/(\d+)$/.exec(m.annotations?.[OWNER_ANNOTATION] ?? '');
    return [{ name: m.name, prefix, owner: owner ? { host: owner[1]!, pid: Number(owner[2]) } : null, sysctls: parseSysctlRecord(m.annotations?.[SYSCTLS_ANNOTATION]), terminating: m.deletionTimestamp !== undefined }];
  });
}

/** What to do with a run's namespace (pure): remove it, or leave it and why. */
export function leftoverDecision(ns: RunNamespace, here: string, live: (prefix: string) => number | null): { remove: true } | { remove: false; why: string } {
  if (ns.owner && ns.owner.host !== here) return { remove: false, why: `owned by a run on ${ns.owner.host} (remove it from there, or with kubectl delete namespace ${ns.name})` };
  const pid = live(ns.prefix);
  if (pid !== null) return { remove: false, why: `a live run owns it (pid ${pid})` };
  return { remove: true };
}

/** What `removeKubeLeftovers` did. */
export interface KubeLeftoverReport {
  removed: string[];
  left: string[];
  /** Lines for the user: the sysctls recorded and the node agent's restore lines. */
  said: string[];
  problems: string[];
}

/** Removes the dead runs' namespaces on `target` (see module doc). */
export async function removeKubeLeftovers(runner: Runner, target: KubeTarget, here = hostname(), live = liveOwner): Promise<KubeLeftoverReport> {
  const report: KubeLeftoverReport = { removed: [], left: [], said: [], problems: [] };
  const listed = await runner.run(kubectlFor(target, 'get', 'namespaces', '-l', PREFIX_LABEL, '-o', 'json'), { timeoutMs: 60_000 });
  for (const ns of parseRunNamespaces(listed.stdout)) {
    const decision = leftoverDecision(ns, here, live);
    if (!decision.remove) {
      report.left.push(`${ns.name}: ${decision.why}`);
      continue;
    }
    for (const c of ns.sysctls?.changed ?? []) report.said.push(`${ns.name}: node ${ns.sysctls!.node} had ${c.key}=${c.original} before the run; resetlab wrote ${c.written}`);
    try {
      const agent = workloadNames(ns.prefix).nodeAgent;
      // Follow the agent's log while it is deleted: its trap prints what it restored. The delete
      // waits until the follow has printed the agent's first line (it is attached), or ended, or 30 s.
      let attached!: () => void;
      const heard = new Promise<void>((resolve) => (attached = resolve));
      const logs = runner.run(kubectlFor(target, '-n', ns.name, 'logs', '-f', `pod/${agent}`), { check: false, timeoutMs: 180_000, onLine: () => attached() });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([heard, logs.then(() => undefined, () => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
      clearTimeout(timer);
      await runner.run(kubectlFor(target, '-n', ns.name, 'delete', 'pod', agent, '--ignore-not-found', '--wait=true', '--timeout=120s'), { timeoutMs: 150_000 });
      const lines = (await logs).stdout.split('\n').filter((l) => /^resetlab node agent: (restored|left)/.test(l));
      report.said.push(...lines.map((l) => `${ns.name}: ${l}`));
      await runner.run(kubectlFor(target, 'delete', 'namespace', ns.name, '--ignore-not-found', '--wait=true', '--timeout=600s'), { timeoutMs: 660_000 });
      report.removed.push(ns.name);
    } catch (error) {
      report.problems.push(`failed to remove namespace ${ns.name}: ${(error as Error).message}`);
    }
  }
  return report;
}
