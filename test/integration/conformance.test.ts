/**
 * Conformance: resetlab's modelled kube-proxy against the real kube-proxy v1.20.2 (built from
 * Debian's source into the cache; built first if missing), iptables mode on the host, for every
 * path the netns lab has. Both labs are provisioned for the same path (the topology asks the
 * model for v1.20 where it has version flavours); both node-a `iptables-save` outputs are
 * normalised (counters, comments, chain hashes) and compared. Every difference must be in
 * KNOWN_DIFFERENCES_V1_20, each with its reason and source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffRules, normaliseIptables, unexplained, withoutService } from '../../harness/dataplane/conformance.js';
import { KNOWN_DIFFERENCES_V1_20 } from '../../harness/dataplane/known-differences.js';
import { CONTROL_PLANE_ADDRESSES } from '../../harness/dataplane/real/control-plane.js';
import { kubernetesCacheRoot } from '../../harness/kubernetes/cache.js';
import { resolveKubernetes, type KubernetesBinaries } from '../../harness/kubernetes/resolve.js';
import { provisionNetnsLab } from '../../harness/lab/netns/provider.js';
import { newPrefix } from '../../harness/lab/prefix.js';
import type { LabTopology } from '../../harness/lab/topology.js';
import { builtin, cleanSlate, IS_ROOT, ourNamespaces, runner, SKIP_REASON } from '../helpers/lab-env.js';

/** Every path of the netns lab, by its built-in scenario. */
export const PATHS = ['over-window', 'over-window-masquerade', 'over-window-external', 'over-window-node-client', 'over-window-nodeport', 'over-window-hairpin'];

async function saveOf(topology: LabTopology, kubeProxy?: KubernetesBinaries): Promise<string> {
  const lab = await provisionNetnsLab({ prefix: newPrefix(), topology: { ...topology, proxyMode: 'iptables' }, runner, ...(kubeProxy ? { kubeProxy } : {}) });
  try {
    return (await lab.nodes['node-a'].exec(['iptables-save'])).stdout;
  } finally {
    expect(await lab.destroy()).toEqual([]);
  }
}

describe.skipIf(!IS_ROOT)(`conformance of the v1.20 model with the real kube-proxy v1.20.2${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let binaries: KubernetesBinaries;
  beforeAll(async () => {
    await cleanSlate();
    binaries = await resolveKubernetes(kubernetesCacheRoot(), { kind: 'debian', version: 'v1.20.2' }, { runner, say: (l) => process.stderr.write(`${l}\n`) });
  }, 3 * 3600_000);
  afterAll(async () => {
    expect(await ourNamespaces()).toEqual([]);
    await cleanSlate();
  });

  /** Known differences some path needed: every entry must be needed by one (no stale entries). */
  const neededSomewhere = new Set<(typeof KNOWN_DIFFERENCES_V1_20)[number]>();

  it.each(PATHS)('%s: every difference is known and cited', async (name) => {
    const [scenario] = await builtin([name]);
    const topology = { ...scenario!.topology, kubeProxyVersion: 'v1.20' } as LabTopology;
    const real = normaliseIptables(withoutService(await saveOf(topology, binaries), '10.96.0.1'));
    const model = normaliseIptables(await saveOf(topology));
    const diffs = diffRules(real, model);
    const { unknown, unused } = unexplained(diffs, KNOWN_DIFFERENCES_V1_20);
    for (const k of KNOWN_DIFFERENCES_V1_20) if (!unused.includes(k)) neededSomewhere.add(k);
    expect(unknown, `real:\n${real.map((r) => `${r.table} ${r.chain} ${r.rule}`).join('\n')}`).toEqual([]);
    // The control plane's own address never appears in the model, and is gone from the real side.
    expect(real.some((r) => r.rule.includes(CONTROL_PLANE_ADDRESSES.apiserver))).toBe(false);
  }, 600_000);

  it('no known difference is stale: each one is needed by some path', () => {
    const stale = KNOWN_DIFFERENCES_V1_20.filter((k) => !neededSomewhere.has(k)).map((k) => `${k.side} ${k.table} ${k.chain} ${String(k.rule)}`);
    expect(stale).toEqual([]);
  });
});
