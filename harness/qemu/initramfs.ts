/**
 * Builds a small busybox initramfs (uncompressed newc cpio) for a kernel: busybox-static at
 * /bin/busybox, the named modules and their dependencies from the kernel's modules folder
 * (decompressed: busybox insmod does not read .ko.xz/.ko.zst) under /modules in load order
 * (listed in /modules/order), and the caller's `/init`. The caller owns `out` (a file in its
 * run folder) and removes it with that folder.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeCpio, type CpioEntry } from './cpio.js';
import { moduleLoadOrder, parseModulesDep } from './modules-dep.js';

/** Options of `buildInitramfs`. */
export interface InitramfsSpec {
  /** A statically linked busybox (Debian: busybox-static, /bin/busybox). */
  busybox: string;
  /** `lib/modules/<release>` with modules.dep (depmod already run). */
  modulesDir: string;
  /** Modules to load at boot, by name; dependencies are added. */
  modules: string[];
  /** The `/init` script (run by the kernel as pid 1). */
  init: string;
  /** Extra files, path relative to the archive root. */
  files?: { path: string; data: string | Uint8Array; mode?: number }[];
  out: string;
}

/** What was built. */
export interface BuiltInitramfs {
  path: string;
  bytes: number;
  /** Module file names in load order (as in /modules/order). */
  moduleFiles: string[];
  /** Requested modules modules.dep does not list (built in, or missing from this kernel). */
  notModules: string[];
}

function readModule(file: string): Buffer {
  if (file.endsWith('.xz')) return execFileSync('xz', ['-dc', file], { maxBuffer: 64 << 20 });
  if (file.endsWith('.zst')) return execFileSync('zstd', ['-dcq', file], { maxBuffer: 64 << 20 });
  if (file.endsWith('.gz')) return execFileSync('gzip', ['-dc', file], { maxBuffer: 64 << 20 });
  return readFileSync(file);
}

/** Builds the archive (see module doc); throws "failed to build the initramfs: ..." on I/O errors. */
export function buildInitramfs(spec: InitramfsSpec): BuiltInitramfs {
  try {
    const dep = parseModulesDep(readFileSync(join(spec.modulesDir, 'modules.dep'), 'utf8'));
    const { files, missing } = moduleLoadOrder(dep, spec.modules);
    const names = files.map((f) => basename(f).replace(/\.ko(\.\w+)?$/, '.ko'));
    const entries: CpioEntry[] = [
      ...['bin', 'sbin', 'dev', 'proc', 'sys', 'modules', 'newroot', 'lower', 'upper', 'tmp', 'run'].map((path) => ({ type: 'dir' as const, path })),
      { type: 'chardev', path: 'dev/console', major: 5, minor: 1 },
      { type: 'chardev', path: 'dev/null', major: 1, minor: 3, mode: 0o666 },
      { type: 'file', path: 'bin/busybox', data: readFileSync(spec.busybox), mode: 0o755 },
      { type: 'symlink', path: 'bin/sh', target: 'busybox' },
      { type: 'file', path: 'init', data: spec.init, mode: 0o755 },
      { type: 'file', path: 'modules/order', data: names.join('\n') + '\n' },
      ...files.map((f, i) => ({ type: 'file' as const, path: `modules/${names[i]}`, data: readModule(join(spec.modulesDir, f)) })),
      ...(spec.files ?? []).map((f) => ({ type: 'file' as const, ...f })),
    ];
    const bytes = writeCpio(entries);
    writeFileSync(spec.out, bytes);
    return { path: spec.out, bytes: bytes.length, moduleFiles: names, notModules: missing };
  } catch (error) {
    throw new Error(`failed to build the initramfs ${spec.out}: ${(error as Error).message}`, { cause: error });
  }
}
