/**
 * Builds the initramfs of a boot: the static busybox, the virtio/9p/overlay modules of the
 * kernel being booted (dependencies first, from its modules.dep) and `/init`. Written into
 * the run's directory, which the caller owns and cleans up; a few MB, built per run (it
 * depends on the kernel and takes well under a second).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UnsupportedError } from '../../errors.js';
import { buildCpio, type CpioEntry } from './cpio.js';
import { initScript } from './init-script.js';
import { insmodOrder, parseModulesDep } from './module-deps.js';

/** Modules the initramfs needs to reach the rootfs (the ones a kernel builds in are skipped). */
export const INITRAMFS_MODULES = ['virtio_pci', '9pnet_virtio', '9p', 'overlay'] as const;

/** Where Debian's busybox-static puts its binary. */
export const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'] as const;

/** The busybox to use, or UnsupportedError (exit 2) naming the package to install. */
export function findBusybox(candidates: readonly string[] = BUSYBOX_PATHS): string {
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new UnsupportedError(`failed to find a static busybox (${candidates.join(', ')}): install Debian's busybox-static`);
  return found;
}

/** Writes `<dir>/initramfs.cpio` for the kernel whose modules are in `modulesDir`; returns its path. */
export async function writeInitramfs(dir: string, release: string, modulesDir: string, busybox = findBusybox()): Promise<string> {
  const depText = await readFile(join(modulesDir, 'modules.dep'), 'utf8').catch((error: Error) => {
    throw new UnsupportedError(`failed to read ${join(modulesDir, 'modules.dep')} (run depmod for ${release}): ${error.message}`);
  });
  const { paths } = insmodOrder(parseModulesDep(depText), INITRAMFS_MODULES);
  const entries: CpioEntry[] = ['bin', 'dev', 'proc', 'sys', 'modules'].map((d) => ({ kind: 'dir', path: d }));
  entries.push({ kind: 'file', path: 'bin/busybox', data: await readFile(busybox), mode: 0o755 });
  const moduleFiles: string[] = [];
  for (const p of paths) {
    if (/\.(xz|zst|gz)$/.test(p)) throw new UnsupportedError(`failed to build the initramfs: ${p} is compressed; busybox insmod needs plain .ko files`);
    entries.push({ kind: 'file', path: `modules/${basename(p)}`, data: await readFile(join(modulesDir, p)) });
    moduleFiles.push(`/modules/${basename(p)}`);
  }
  entries.push({ kind: 'file', path: 'init', data: initScript({ release, moduleFiles }), mode: 0o755 });
  const file = join(dir, 'initramfs.cpio');
  await writeFile(file, buildCpio(entries));
  return file;
}
