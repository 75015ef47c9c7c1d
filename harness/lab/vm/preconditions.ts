/**
 * What the vm driver needs on the host, checked read-only before anything is created: root
 * (9p export of `/` as the guest's root), qemu-system-x86_64, a static busybox, xz/zstd for
 * compressed modules. `assertVmPreconditions` throws one UnsupportedError (exit 2) naming
 * every missing piece and the Debian packages that provide it.
 */
import { existsSync } from 'node:fs';
import { UnsupportedError } from '../../errors.js';
import { setupHint, type Readiness } from '../setup-hint.js';

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

/** One missing piece: what it is, and the Debian package that provides it (none for root). */
export interface MissingPiece {
  what: string;
  pkg?: string;
}

/** Missing pieces; empty when the vm driver can run. */
export function vmMissing(): MissingPiece[] {
  const missing: MissingPiece[] = [];
  if (process.getuid?.() !== 0) missing.push({ what: 'root (the guest mounts the host root over 9p)' });
  if (!onPath('qemu-system-x86_64')) missing.push({ what: 'qemu-system-x86_64', pkg: 'qemu-system-x86' });
  if (!findBusybox()) missing.push({ what: 'a static busybox', pkg: 'busybox-static' });
  if (!onPath('modprobe') || !onPath('depmod')) missing.push({ what: 'modprobe/depmod', pkg: 'kmod' });
  if (!onPath('ipvsadm')) missing.push({ what: 'ipvsadm', pkg: 'ipvsadm' });
  if (!onPath('xz')) missing.push({ what: 'xz for compressed kernel modules', pkg: 'xz-utils' });
  return missing;
}

/** Missing pieces (the vm driver's unless given) as "what (package)" strings; empty when the vm driver can run. */
export function vmPreconditions(missing: MissingPiece[] = vmMissing()): string[] {
  return missing.map((m) => (m.pkg ? `${m.what} (${m.pkg})` : m.what));
}

/** The vm driver's readiness, with the one command that fixes it (`npm run setup`, or root). */
export function vmReadiness(missing: MissingPiece[] = vmMissing()): Readiness {
  if (missing.length === 0) return { ready: true, missing: [], fix: null };
  const pkgs = missing.flatMap((m) => (m.pkg ? [m.pkg] : []));
  return { ready: false, missing: missing.map((m) => m.what), fix: pkgs.length ? setupHint(pkgs) : 'run resetlab as root' };
}

/**
 * What a kind guest needs beyond the vm driver's: the host's dockerd binary (Debian's
 * docker.io), which only the guest runs. Empty when present.
 */
export function kindGuestMissing(): MissingPiece[] {
  return onPath('dockerd') ? [] : [{ what: 'dockerd (it runs only inside the guest)', pkg: 'docker.io' }];
}

/**
 * Throws UnsupportedError (exit 2) listing everything missing, and how to get it: the vm
 * driver's pieces and `extra` (e.g. kindGuestMissing()). Checked before anything is built or booted.
 */
export function assertVmPreconditions(extra: MissingPiece[] = []): void {
  const missing = [...vmMissing(), ...extra];
  const r = vmReadiness(missing);
  if (!r.ready) throw new UnsupportedError(`the vm driver cannot run on this machine: it needs ${vmPreconditions(missing).join(', ')}; ${r.fix}`);
}
