/**
 * The QEMU machine of one `node prove` boot (pure), for the shared launcher (harness/qemu):
 * a direct kernel boot with the initramfs, the four 9p shares (all read-only except the
 * evidence share), a serial console, no NIC (the shared argv always adds `-nic none` and
 * `-nodefaults`), and a `-name` carrying the run prefix so leftovers can be found by name.
 */
import type { QemuAccel, QemuMachine } from '../../qemu/argv.js';
import { SHARE_TAGS } from './init-script.js';

/** Kernel command line: serial console; a panic ends the boot (qemu runs with -no-reboot). */
export const KERNEL_CMDLINE = 'console=ttyS0 panic=-1';

/** Guest size: enough for systemd and a tmpfs overlay; 2 vCPUs (TCG runs them on host threads). */
export const GUEST = { memoryMiB: 1024, cpus: 2 } as const;

/** Inputs of the machine. */
export interface ProveMachineInput {
  /** `<prefix>-prove-<label>`. */
  name: string;
  vmlinuz: string;
  initrd: string;
  /** Host folder of each share. */
  shares: Record<keyof typeof SHARE_TAGS, string>;
  pidfile: string;
  accel: QemuAccel;
}

/** The machine description. */
export function proveMachine(i: ProveMachineInput): QemuMachine {
  return {
    name: i.name,
    accel: i.accel,
    memoryMiB: GUEST.memoryMiB,
    cpus: GUEST.cpus,
    kernel: i.vmlinuz,
    initrd: i.initrd,
    append: KERNEL_CMDLINE,
    pidfile: i.pidfile,
    shares: (Object.keys(SHARE_TAGS) as (keyof typeof SHARE_TAGS)[]).map((k) => ({ tag: SHARE_TAGS[k], path: i.shares[k], readonly: k !== 'out' })),
  };
}
