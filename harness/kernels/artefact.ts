/**
 * A kernel the vm driver can boot: a bzImage plus the modules tree that belongs to it.
 * Produced by `resolveKernel` (a Debian package from the cache, or paths the user gave);
 * the files are owned by the cache (or the user) and never deleted by a run.
 */
export interface KernelArtefact {
  /** `uname -r` of the kernel, e.g. `6.1.0-56-amd64` (the modules folder's name). */
  release: string;
  /** The bootable image (bzImage / vmlinuz). */
  vmlinuz: string;
  /** The folder `lib/modules/<release>` with modules.dep already built (depmod). */
  modulesDir: string;
  /** Where it came from, for `environment.kernelSource`. */
  source:
    | { kind: 'debian'; package: string; version: string; suite: string; sha256: string }
    | { kind: 'path' };
  /** Debian kernels only: the cache folder and how this resolution got the kernel. */
  cache?: KernelCacheUse;
}

/** How one resolution obtained a Debian kernel (for progress lines, tests and results). */
export interface KernelCacheUse {
  /** The kernel's folder in the cache (owned by the cache; `resetlab kernels prune` removes it). */
  dir: string;
  /** True when this resolution downloaded the package; false when it was already cached. */
  downloaded: boolean;
  /**
   * The package index: `updated` now, `reused` (younger than 6 h), `not-needed` (an exact
   * version already cached), `offline` (asked not to use the network), or `unreachable`
   * (the update failed and the cache was used instead).
   */
  index: 'updated' | 'reused' | 'not-needed' | 'offline' | 'unreachable';
}

/** What the user asked for with `--kernel` (and `--modules`), before resolution. */
export type KernelSpec =
  | { kind: 'series'; series: string } // "5.10", "6.1", "6.12", "7.2": newest matching Debian package
  | { kind: 'package'; version: string } // an exact Debian package version, e.g. "6.1.192-2" or a package name
  | { kind: 'path'; vmlinuz: string; modulesDir: string };
