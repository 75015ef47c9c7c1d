/**
 * The initramfs of a `node prove` boot, built with the shared builder (harness/qemu): the
 * static busybox, the virtio/9p/overlay modules of the kernel being booted (dependencies
 * first, listed in /modules/order) and `/init` (init-script.ts). Written into the boot's
 * folder, which the caller owns; a few MB, built per boot (well under a second).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UnsupportedError } from '../../errors.js';
import { buildInitramfs } from '../../qemu/initramfs.js';
import { initScript } from './init-script.js';

/** Modules the initramfs needs to reach the rootfs (the ones a kernel builds in are skipped). */
export const INITRAMFS_MODULES = ['virtio_pci', '9pnet_virtio', '9p', 'overlay'];

/** Where Debian's busybox-static puts its binary. */
export const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'] as const;

/** The busybox to use, or UnsupportedError (exit 2) naming the package to install. */
export function findBusybox(candidates: readonly string[] = BUSYBOX_PATHS): string {
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new UnsupportedError(`failed to find a static busybox (${candidates.join(', ')}): install Debian's busybox-static`);
  return found;
}

/** Writes `<dir>/initramfs.cpio` for the kernel whose modules are in `modulesDir`; returns its path. */
export function writeInitramfs(dir: string, release: string, modulesDir: string, busybox = findBusybox()): string {
  return buildInitramfs({ busybox, modulesDir, modules: INITRAMFS_MODULES, init: initScript({ release }), out: join(dir, 'initramfs.cpio') }).path;
}
