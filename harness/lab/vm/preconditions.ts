/**
 * What the vm driver needs on the host, checked read-only before anything is created: root
 * (9p export of `/` as the guest's root), qemu-system-x86_64, a static busybox, xz/zstd for
 * compressed modules. `assertVmPreconditions` throws one UnsupportedError (exit 2) naming
 * every missing piece and the Debian packages that provide it.
 */
import { existsSync } from 'node:fs';
import { UnsupportedError } from '../../errors.js';

/** Static busybox locations (Debian's busybox-static installs /bin/busybox). */
export const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'];

function onPath(bin: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin'])) {
    if (dir && existsSync(`${dir}/${bin}`)) return `${dir}/${bin}`;
  }
  return null;
}

/** The static busybox to put in the initramfs, or null. */
export function findBusybox(): string | null {
  return BUSYBOX_PATHS.find((p) => existsSync(p)) ?? null;
}

/** Missing pieces as "what (apt package)" strings; empty when the vm driver can run. */
export function vmPreconditions(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (the guest mounts the host root over 9p)');
  if (!onPath('qemu-system-x86_64')) missing.push('qemu-system-x86_64 (apt-get install qemu-system-x86)');
  if (!findBusybox()) missing.push('a static busybox (apt-get install busybox-static)');
  if (!onPath('modprobe') || !onPath('depmod')) missing.push('modprobe/depmod (apt-get install kmod)');
  if (!onPath('ipvsadm')) missing.push('ipvsadm (apt-get install ipvsadm)');
  if (!onPath('xz')) missing.push('xz for compressed kernel modules (apt-get install xz-utils)');
  return missing;
}

/** Throws UnsupportedError (exit 2) listing everything missing. */
export function assertVmPreconditions(): void {
  const missing = vmPreconditions();
  if (missing.length > 0) throw new UnsupportedError(`the vm driver cannot run on this machine: it needs ${missing.join(', ')}`);
}
