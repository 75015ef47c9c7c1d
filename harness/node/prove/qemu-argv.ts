/**
 * The QEMU command line of one `node prove` boot (pure): a direct kernel boot with the
 * initramfs, the 9p shares, the serial console into a file, no NIC (`-nic none`, and
 * `-nodefaults` so no other device appears), no display, no reboot (a guest reboot or panic
 * ends qemu), and a `-name` carrying the run prefix so leftovers can be found by name.
 */
import { SHARE_TAGS } from './init-script.js';

/** Inputs of the command line. */
export interface QemuBoot {
  /** `<prefix>-prove-<label>`, shown by `ps`. */
  name: string;
  vmlinuz: string;
  initrd: string;
  /** Host folders for each share tag. */
  shares: Record<keyof typeof SHARE_TAGS, string>;
  consoleFile: string;
  pidFile: string;
  accel: 'tcg' | 'kvm';
  memoryMb: number;
  cpus: number;
}

/** Kernel command line: serial console, panic ends the boot (with -no-reboot, qemu exits). */
export const KERNEL_CMDLINE = 'console=ttyS0 panic=-1';

/** The argv (qemu-system-x86_64 first). */
export function qemuArgv(b: QemuBoot): string[] {
  const share = (key: keyof typeof SHARE_TAGS, writable: boolean) => [
    '-virtfs',
    `local,path=${b.shares[key]},mount_tag=${SHARE_TAGS[key]},security_model=none${writable ? '' : ',readonly=on'}`,
  ];
  return [
    'qemu-system-x86_64',
    '-name', b.name,
    '-nodefaults', '-no-user-config',
    '-accel', b.accel === 'kvm' ? 'kvm' : 'tcg,thread=multi',
    '-cpu', b.accel === 'kvm' ? 'host' : 'max',
    '-smp', String(b.cpus),
    '-m', String(b.memoryMb),
    '-display', 'none', '-monitor', 'none',
    '-serial', `file:${b.consoleFile}`,
    '-nic', 'none',
    '-no-reboot',
    '-pidfile', b.pidFile,
    '-kernel', b.vmlinuz,
    '-initrd', b.initrd,
    '-append', KERNEL_CMDLINE,
    ...share('rootfs', false),
    ...share('modules', false),
    ...share('config', false),
    ...share('out', true),
  ];
}
