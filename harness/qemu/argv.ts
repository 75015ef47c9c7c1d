/**
 * The qemu command line, built from a plain description (pure: no I/O). Every machine has
 * no network device (`-nic none` and `-nodefaults`, so qemu adds no default user-mode NIC),
 * no display and no monitor; the serial console is on stdio so the caller captures it.
 * Shared by the vm driver and anything else that boots a kernel (e.g. `node prove`).
 */

/** A host folder shared into the guest over 9p (virtio). */
export interface QemuShare {
  /** The mount tag the guest uses (`mount -t 9p TAG ...`). */
  tag: string;
  /** Absolute host path. */
  path: string;
  readonly: boolean;
}

/** Acceleration: KVM where it boots, else TCG (software emulation). */
export type QemuAccel = 'kvm' | 'tcg';

/** Everything a boot needs. */
export interface QemuMachine {
  /** The qemu binary (default `qemu-system-x86_64`). */
  binary?: string;
  /** Shown in `ps` as `-name`; carry the run's prefix so leftovers can be found by name. */
  name: string;
  accel: QemuAccel;
  memoryMiB: number;
  cpus: number;
  kernel: string;
  initrd: string;
  /** Kernel command line. */
  append: string;
  shares: QemuShare[];
  /** qemu writes its pid here (`-pidfile`); the caller owns the file's folder. */
  pidfile: string;
  /** Extra arguments appended verbatim (e.g. `-device virtio-rng-pci`). */
  extra?: string[];
}

/** The tags/paths qemu accepts in `-virtfs` (a comma would split the option). */
function checkOptionValue(what: string, value: string): void {
  if (value.includes(',') || value.includes('\n')) throw new RangeError(`${what} must not contain a comma or newline: ${JSON.stringify(value)}`);
}

/** Builds the argv (binary first). Throws RangeError on values qemu would misparse. */
export function qemuArgv(m: QemuMachine): string[] {
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(m.name)) throw new RangeError(`machine name must be 1-63 letters, digits, '-' or '_': ${JSON.stringify(m.name)}`);
  if (!Number.isInteger(m.cpus) || m.cpus < 1) throw new RangeError(`cpus must be a positive integer, got ${m.cpus}`);
  if (!Number.isInteger(m.memoryMiB) || m.memoryMiB < 128) throw new RangeError(`memoryMiB must be an integer >= 128, got ${m.memoryMiB}`);
  for (const [what, v] of [['kernel', m.kernel], ['initrd', m.initrd], ['pidfile', m.pidfile]] as const) checkOptionValue(what, v);
  const argv = [
    m.binary ?? 'qemu-system-x86_64',
    '-name', m.name,
    '-nodefaults', '-no-user-config',
    '-accel', m.accel === 'kvm' ? 'kvm' : 'tcg,thread=multi',
    '-cpu', m.accel === 'kvm' ? 'host' : 'max',
    '-smp', String(m.cpus),
    '-m', String(m.memoryMiB),
    '-display', 'none',
    '-monitor', 'none',
    '-serial', 'stdio',
    '-nic', 'none',
    '-no-reboot',
    '-pidfile', m.pidfile,
    '-kernel', m.kernel,
    '-initrd', m.initrd,
    '-append', m.append,
  ];
  for (const s of m.shares) {
    checkOptionValue('share tag', s.tag);
    checkOptionValue('share path', s.path);
    argv.push('-virtfs', `local,path=${s.path},mount_tag=${s.tag},security_model=none,multidevs=remap${s.readonly ? ',readonly=on' : ''}`);
  }
  return [...argv, ...(m.extra ?? [])];
}
