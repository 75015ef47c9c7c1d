/**
 * The kind node image, for real but short of a cluster (a full cluster in a guest takes about
 * an hour under TCG: kind-vm.test.ts, opt-in): `resetlab kind node-image check --kernel 6.1`
 * builds (or reuses) the offline node image, boots a 6.1 guest whose own dockerd imports it,
 * and starts one node with kind 0.33's `docker run` flags. Asserts kind's readiness line
 * ("detected cgroup v1"), containerd 1.6 answering, the worker's component images imported
 * into k8s.io, kubelet waiting for kubeadm, and nothing left on the host. Under `npm test` the
 * guest runs in the background after the conformance guest (test/helpers/guest-prewarm.ts).
 */
import { describe, expect, it } from 'vitest';
import type { NodeCheckResult } from '../../harness/kind-image/node-check.js';
import { guestJobResult } from '../helpers/guest-job.js';
import { kindNodeCheckArgs } from '../helpers/guest-prewarm.js';
import { expectNothingLeftByGuests } from '../helpers/guest-leftovers.js';
import { useLabScratch } from '../helpers/lab-env.js';
import { kernel61Flags } from '../helpers/vm-kernel.js';

const kernel = await kernel61Flags();

describe.skipIf(typeof kernel === 'string')(`the kind node image boots in a 6.1 guest${typeof kernel === 'string' ? ` (skipped: ${kernel})` : ''}`, () => {
  const scratch = useLabScratch();

  it("one node started as kind starts it: kind's readiness line, containerd, the images, kubelet waiting for kubeadm", { timeout: 40 * 60_000 }, async () => {
    const r = await guestJobResult('kindNodeCheck', kindNodeCheckArgs(kernel as string[], scratch()), 'kind-node-image');
    const doc = JSON.parse(r.stdout || '{}') as NodeCheckResult & { vm?: { kernelRelease: string } };
    expect(doc.schema, r.stderr.slice(-3000)).toBe('resetlab/kind-node-check@1');
    expect(doc.vm?.kernelRelease).toMatch(/^6\.1\./);
    expect(doc.image).toMatch(/^resetlab\.local\/kind-node:v1\.20\.2-[0-9a-f]{8}$/);
    const step = (name: string) => doc.steps.find((s) => s.name === name);
    expect(step('kind-ready')?.detail).toBe('INFO: detected cgroup v1');
    expect(step('containerd')?.detail).toMatch(/^containerd 1\.6\./);
    expect(step('images')?.detail).toContain('k8s.gcr.io/kube-proxy:v1.20.2');
    expect(step('images')?.detail).toContain('k8s.gcr.io/pause:3.4');
    expect(step('kubelet-waits')?.detail).toContain('ConditionResult=no');
    expect(doc.steps.every((s) => s.ok && s.atSec !== null)).toBe(true);
    expect(doc.ok).toBe(true);
    expect(r.exitCode, r.stderr.slice(-2000)).toBe(0);
    // Nothing left: no qemu of ours, no vm run folder, no namespaces; the host untouched.
    await expectNothingLeftByGuests(r.hostBefore, r.hostAfter);
  });
});
