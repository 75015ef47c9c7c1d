/**
 * Which Debian root filesystem `node prove` boots, per init system, and its cache key: the
 * suite, the debootstrap variant and the package set. Changing any of them gives a new
 * cache entry (`<suite>-<hash>`), so a cached rootfs always matches the code. Pure.
 */
import { createHash } from 'node:crypto';
import type { InitSystem } from './guest-collector.js';

/** A debootstrap recipe. */
export interface RootfsSpec {
  suite: string;
  variant: 'minbase';
  /** `--include` packages, sorted. */
  include: string[];
}

/** The suite booted: Debian 12, whose systemd (252) and kernel (6.1) a node of the time runs. */
export const ROOTFS_SUITE = 'bookworm';

/**
 * Packages on top of minbase: the init system; udev (without it systemd waits 90 s for
 * dev-ttyS0.device, and every real node has it); kmod (modprobe, modules-load); procps
 * (sysctl, and the boot script that applies sysctl.conf under sysvinit); iptables (what
 * kube-proxy runs).
 */
export const ROOTFS_PACKAGES: Record<InitSystem, readonly string[]> = {
  systemd: ['systemd-sysv', 'udev', 'kmod', 'procps', 'iptables'],
  sysvinit: ['sysvinit-core', 'udev', 'kmod', 'procps', 'iptables'],
};

/** The recipe for an init system. */
export function rootfsSpec(init: InitSystem): RootfsSpec {
  return { suite: ROOTFS_SUITE, variant: 'minbase', include: [...ROOTFS_PACKAGES[init]].sort() };
}

/** Cache folder name: `<suite>-<12 hex digits of the recipe's sha256>`. */
export function rootfsKey(spec: RootfsSpec): string {
  const hash = createHash('sha256').update(JSON.stringify({ suite: spec.suite, variant: spec.variant, include: spec.include })).digest('hex');
  return `${spec.suite}-${hash.slice(0, 12)}`;
}

/** The debootstrap command line that builds `spec` into `target` from `mirror`. */
export function debootstrapArgv(spec: RootfsSpec, target: string, mirror: string): string[] {
  return ['debootstrap', `--variant=${spec.variant}`, `--include=${spec.include.join(',')}`, spec.suite, target, mirror];
}
