/**
 * Conformance in IPVS mode: `resetlab kube-proxy conformance --driver vm --kernel 6.1` boots
 * one guest, where the same command runs the real kube-proxy v1.20.2 in IPVS mode and
 * resetlab's v1.20 model for every path of the netns lab (one shared control plane), and the
 * JSON comes home. Asserts that the guest compared IPVS for real (virtual servers, ipsets and
 * kube-ipvs0 on both sides), that every difference is known and cited and none stale, and that
 * nothing is left on the host. About 6-10 minutes under TCG; under `npm test` the guest starts
 * at the beginning of the run, beside the other files (test/helpers/guest-prewarm.ts).
 */
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_PATHS, type ConformanceReport } from '../../harness/conformance/run.js';
import { guestJobResult } from '../helpers/guest-job.js';
import { conformanceIpvsArgs } from '../helpers/guest-prewarm.js';
import { expectNothingLeftByGuests } from '../helpers/guest-leftovers.js';
import { useLabScratch } from '../helpers/lab-env.js';
import { kernel61Flags } from '../helpers/vm-kernel.js';

const kernel = await kernel61Flags();

describe.skipIf(typeof kernel === 'string')(`conformance in IPVS mode in a 6.1 guest${typeof kernel === 'string' ? ` (skipped: ${kernel})` : ''}`, () => {
  const scratch = useLabScratch();

  it('every path: the real kube-proxy v1.20.2 in IPVS mode and the v1.20 model differ only where known and cited', { timeout: 40 * 60_000 }, async () => {
    const r = await guestJobResult('conformanceIpvs', conformanceIpvsArgs(kernel as string[], scratch()), 'conformance-vm');

    const doc = JSON.parse(r.stdout || '{}') as ConformanceReport & { vm?: { kernelRelease: string } };
    expect(doc.schema, r.stderr.slice(-3000)).toBe('resetlab/conformance@1');
    expect(doc.mode).toBe('ipvs');
    expect(doc.kernel).toMatch(/^6\.1\./);
    expect(doc.vm?.kernelRelease).toMatch(/^6\.1\./);
    expect(doc.kubeProxy.version).toBe('v1.20.2');
    expect(doc.paths.map((p) => p.scenario)).toEqual([...CONFORMANCE_PATHS]);
    for (const p of doc.paths) {
      // Both sides really are IPVS: a virtual server for the ClusterIP and the ClusterIP in its ipset.
      for (const side of ['real', 'model'] as const) {
        expect(p.raw[side]['ipvsadm -Ln'], `${p.scenario} ${side}`).toMatch(/TCP {2}10\.96\.0\.10:80 rr/);
        expect(p.raw[side]['ipset list'], `${p.scenario} ${side}`).toContain('10.96.0.10,tcp:80');
      }
      expect(p.differences.filter((d) => !d.known), `${p.scenario}: ${JSON.stringify(p.raw.real, null, 1).slice(0, 4000)}`).toEqual([]);
    }
    expect(doc.knownDifferences.list).toBe('v1.20');
    expect(doc.paths.every((p) => !p.error && p.ruleCount.real > 20 && p.ruleCount.model > 20)).toBe(true);
    expect(doc.stale).toEqual([]);
    expect(doc.ok).toBe(true);
    expect(r.exitCode, r.stderr.slice(-2000)).toBe(0);
    // Nothing left: no qemu of ours, no vm run folder, no namespaces; the host untouched.
    await expectNothingLeftByGuests(r.hostBefore, r.hostAfter);
  });
});
