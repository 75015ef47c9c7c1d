/**
 * Conformance on this host: resetlab's v1.20 model against the real kube-proxy v1.20.2 (built
 * from Debian's source into the cache; built first if missing), iptables mode, for every path
 * the netns lab has (harness/conformance/run.ts: one shared control plane, a real and a
 * model lab per path, node-a's rules normalised and compared). Every difference must be a
 * known, cited one, and no known entry may go unused. The same comparison in IPVS mode runs
 * in a 6.1 guest (conformance-vm.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE_PATHS, runConformance, type ConformanceReport } from '../../harness/conformance/run.js';
import { KNOWN_DIFFERENCES_V1_20 } from '../../harness/dataplane/known-differences.js';
import { CONTROL_PLANE_ADDRESSES } from '../../harness/dataplane/real/control-plane.js';
import { kubernetesCacheRoot } from '../../harness/kubernetes/cache.js';
import { resolveKubernetes } from '../../harness/kubernetes/resolve.js';
import { diffHost, snapshotHost } from '../helpers/host-state.js';
import { builtin, cleanSlate, IS_ROOT, ourNamespaces, runner, SKIP_REASON } from '../helpers/lab-env.js';

describe.skipIf(!IS_ROOT)(`conformance of the v1.20 model with the real kube-proxy v1.20.2, iptables mode${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let report: ConformanceReport;
  let hostDiff: unknown;
  beforeAll(async () => {
    await cleanSlate();
    const binaries = await resolveKubernetes(kubernetesCacheRoot(), { kind: 'debian', version: 'v1.20.2' }, { runner, say: (l) => process.stderr.write(`${l}\n`) });
    const host = await snapshotHost();
    report = await runConformance({ binaries, mode: 'iptables', scenarios: await builtin([...CONFORMANCE_PATHS]), runner, timeScale: 1, say: (l) => process.stderr.write(`${l}\n`) });
    hostDiff = diffHost(host, await snapshotHost());
  }, 3 * 3600_000);
  afterAll(async () => {
    expect(await ourNamespaces()).toEqual([]);
    await cleanSlate();
  });

  it('compares every path, with rules on both sides', () => {
    expect(report.complete).toBe(true);
    expect(report.paths.map((p) => p.scenario)).toEqual([...CONFORMANCE_PATHS]);
    for (const p of report.paths) {
      expect(p.ruleCount.real, p.scenario).toBeGreaterThan(10);
      expect(p.ruleCount.model, p.scenario).toBeGreaterThan(10);
      // The real side is the binary's work: it programmed the path's Service.
      expect(p.raw.real['iptables-save'], p.scenario).toContain('-d 10.96.0.10/32');
    }
    expect(report.kubeProxy.version).toBe('v1.20.2');
    expect(report.model.version).toBe('v1.20');
  });

  it.each([...CONFORMANCE_PATHS])('%s: every difference is known and cited', (name) => {
    const p = report.paths.find((x) => x.scenario === name)!;
    const unknown = p.differences.filter((d) => !d.known);
    expect(unknown, `real iptables-save:\n${p.raw.real['iptables-save']}`).toEqual([]);
    // The control plane's own address never appears in the comparison.
    expect(p.differences.some((d) => d.rule.includes(CONTROL_PLANE_ADDRESSES.apiserver))).toBe(false);
  });

  it('no known difference is stale, and the report says conformant', () => {
    expect(report.stale).toEqual([]);
    expect(report.knownDifferences).toEqual({ list: 'v1.20', count: KNOWN_DIFFERENCES_V1_20.length });
    // The iptables list is not empty: the comparison did need it (an empty list would make "known" vacuous).
    expect(report.paths.every((p) => p.differences.length > 0 && p.differences.every((d) => d.known))).toBe(true);
    expect(report.ok).toBe(true);
  });

  it('the host is untouched', () => {
    expect(hostDiff).toEqual({});
  });
});
