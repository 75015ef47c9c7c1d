/**
 * The vm driver for real: one guest boots Debian's 6.1 kernel under QEMU (KVM where it boots,
 * else TCG), runs `over-window-masquerade` with real IPVS inside, and brings the report home.
 * Asserts a real IPVS verdict (not inconclusive), the guest's kernel, that the host is
 * untouched (rules, sysctls, modules), and that no qemu, namespace or run folder is left.
 * The kernel comes from the kernel cache (`--kernel 6.1`); before the cache exists, from
 * RESETLAB_VM_KERNEL + RESETLAB_VM_MODULES or the prefetched /var/tmp/rl-kernels/6.1 tree.
 * One boot, one scenario: about 5-15 minutes under TCG depending on the machine's load.
 */
import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { expectNothingLeftByGuests } from '../helpers/guest-leftovers.js';
import { snapshotHost } from '../helpers/host-state.js';
import { useLabScratch } from '../helpers/lab-env.js';
import { kernel61Flags } from '../helpers/vm-kernel.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');
const kernel = await kernel61Flags();

describe.skipIf(typeof kernel === 'string')(`vm driver${typeof kernel === 'string' ? ` (skipped: ${kernel})` : ''}`, () => {
  const scratch = useLabScratch();

  it('boots 6.1 and gives a real IPVS verdict; nothing is left on the host', { timeout: 25 * 60_000 }, async () => {
    const host = await snapshotHost();
    const r = await execa('node', [bin, 'run', 'over-window-masquerade', '--driver', 'vm', ...(kernel as string[]), '--json', '--out', scratch()], { reject: false, timeout: 24 * 60_000 });
    const doc = JSON.parse(r.stdout || '{}');
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(0);
    expect(doc.environment.driver).toBe('vm');
    expect(doc.environment.proxyMode).toBe('ipvs');
    expect(doc.environment.kernel).toMatch(/^6\.1\./);
    expect(['kvm', 'tcg']).toContain(doc.environment.vm.accel);
    expect(doc.environment.vm.qemuVersion).toMatch(/^\d+\.\d+/);
    expect(doc.environment.vm.timeScale).toBeGreaterThanOrEqual(1);
    expect(doc.arms[0].evidence.injected).toBeGreaterThan(0);
    expect(doc.verdict.outcome, doc.verdict.explanation).not.toBe('inconclusive');
    expect(doc.verdict.outcome, doc.verdict.explanation).toBe('reproduced');
    // Results came home as files, with the guest's console next to them.
    const dirs = readdirSync(scratch());
    expect(dirs.some((d) => d.endsWith('-over-window-masquerade'))).toBe(true);
    expect(dirs.some((d) => d.endsWith('.console.log'))).toBe(true);
    // Nothing left: no qemu of ours, no namespaces, no run folder, host state identical.
    await expectNothingLeftByGuests(host, await snapshotHost());
  });
});
