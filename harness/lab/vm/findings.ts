/**
 * `resetlab doctor`'s vm lines: qemu (and its version), a static busybox, KVM (can /dev/kvm
 * be opened; whether a guest boots under it is only known by booting, so the vm driver
 * probes and falls back) and TCG (always there with qemu). Read-only.
 */
import { setupHint } from '../setup-hint.js';
import type { Runner } from '../../exec/runner.js';
import { kvmUnavailableReason } from '../../qemu/kvm.js';
import { qemuVersion } from '../../qemu/version.js';
import { findBusybox } from './preconditions.js';

/** One doctor finding (same shape as doctor's). */
export interface VmFinding {
  name: string;
  status: 'ok' | 'warn' | 'missing' | 'info';
  detail: string;
}

/** The vm driver's findings. */
export async function vmFindings(runner: Runner): Promise<VmFinding[]> {
  const qemu = await qemuVersion(runner);
  const kvm = kvmUnavailableReason();
  const busybox = findBusybox();
  return [
    qemu
      ? { name: 'qemu', status: 'ok', detail: `qemu-system-x86_64 ${qemu}: the vm driver can boot kernels` }
      : { name: 'qemu', status: 'info', detail: `qemu-system-x86_64 not installed (only for --driver vm): ${setupHint(['qemu-system-x86'])}` },
    { name: 'busybox-static', status: busybox ? 'ok' : 'info', detail: busybox ? `${busybox} (the guest's initramfs)` : `not installed (only for --driver vm): ${setupHint(['busybox-static'])}` },
    kvm === null
      ? { name: 'KVM', status: 'ok', detail: '/dev/kvm opens; the vm driver tries KVM first and falls back to TCG if the guest does not boot (nested KVM often does not)' }
      : { name: 'KVM', status: 'info', detail: `not usable (${kvm}): guests run under TCG` },
    { name: 'TCG', status: qemu ? 'ok' : 'info', detail: qemu ? 'software emulation available (about 20-80x slower than this host; deadlines scale with it)' : 'comes with qemu' },
  ];
}
