/**
 * Module lists: modules-load.d(5) files and Debian's /etc/modules (one module per line,
 * `#`/`;` comments, /etc/modules may add parameters after the name), /proc/modules and
 * `modules.builtin`. Module names compare with `-` and `_` as the same character. Pure.
 */
import { effectiveFiles, meaningfulLines } from './conf-files.js';
import { CONNTRACK_MODULE, IPV4_MODULE_MERGED_IN, OLD_CONNTRACK_MODULE } from './constants.js';
import type { ConfDir } from './facts.js';

/** A line that loads one of the conntrack modules. */
export interface ModuleEntry {
  path: string;
  line: number;
  /** `nf_conntrack` or `nf_conntrack_ipv4`. */
  module: string;
}

/** `nf-conntrack` and `nf_conntrack` are the same module. */
export function normalizeModuleName(name: string): string {
  return name.trim().replace(/-/g, '_');
}

/** The module names a list file loads, with line numbers (first word of each line). */
export function parseModuleList(text: string): { module: string; line: number }[] {
  return meaningfulLines(text).map(({ line, text: t }) => ({ module: normalizeModuleName(t.split(/\s+/)[0] ?? ''), line }));
}

function conntrackIn(path: string, text: string): ModuleEntry[] {
  return parseModuleList(text)
    .filter((m) => m.module === CONNTRACK_MODULE || m.module === OLD_CONNTRACK_MODULE)
    .map((m) => ({ path, line: m.line, module: m.module }));
}

/** Lines of the effective modules-load.d files (masking applied) that load a conntrack module. */
export function conntrackInModulesLoad(dirs: readonly ConfDir[]): ModuleEntry[] {
  return effectiveFiles(dirs).flatMap((f) => conntrackIn(f.path, f.text));
}

/** Lines of /etc/modules that load a conntrack module. */
export function conntrackInEtcModules(text: string | null, path = '/etc/modules'): ModuleEntry[] {
  return text === null ? [] : conntrackIn(path, text);
}

/** Whether /proc/modules lists nf_conntrack (as a loaded module). */
export function procModulesHasConntrack(text: string): boolean {
  return text.split('\n').some((l) => normalizeModuleName(l.split(' ')[0] ?? '') === CONNTRACK_MODULE);
}

/** Whether a modules.builtin file lists nf_conntrack (`kernel/net/netfilter/nf_conntrack.ko`). */
export function builtinHasConntrack(text: string): boolean {
  return text.split('\n').some((l) => {
    const base = l.trim().split('/').at(-1) ?? '';
    return normalizeModuleName(base.replace(/\.ko(\.(xz|gz|zst))?$/, '')) === CONNTRACK_MODULE;
  });
}

/** Whether nf_conntrack_ipv4 still exists in this kernel release (before 4.19); null if the release is unreadable. */
export function hasIpv4ConntrackModule(release: string): boolean | null {
  const m = /^(\d+)\.(\d+)/.exec(release.trim());
  if (!m) return null;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const [mergedMajor, mergedMinor] = IPV4_MODULE_MERGED_IN;
  return major < mergedMajor || (major === mergedMajor && minor < mergedMinor);
}
