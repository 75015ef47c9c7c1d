/**
 * Is nf_conntrack loaded now, and is it built into the kernel that boots? Decided from
 * /proc/modules, /sys/module/nf_conntrack(/initstate) and `modules.builtin`. A built-in
 * nf_conntrack registers the key before any sysctl file is applied, so the ordering trap
 * cannot happen. Pure.
 */
import { CONNTRACK_MODULE } from './constants.js';
import type { BuiltinList, LiveFacts } from './facts.js';
import { builtinHasConntrack, hasIpv4ConntrackModule, procModulesHasConntrack } from './modules-file.js';

/** nf_conntrack in the running kernel. */
export type LiveModuleState = 'loaded' | 'built-in' | 'not loaded' | 'unknown';

/** What is known about nf_conntrack on this node. */
export interface ConntrackState {
  live: LiveModuleState;
  /** Whether the booting kernel has it built in. */
  builtIn: 'yes' | 'no' | 'unknown';
  /** Where `builtIn` comes from, for the report. */
  source: string;
  /** Kernel releases considered (the running one when known, else every installed one). */
  releases: string[];
  /** Whether nf_conntrack_ipv4 exists in those kernels (before 4.19): 'unknown' when releases disagree or are unknown. */
  ipv4Module: 'yes' | 'no' | 'unknown';
}

/** The running kernel's view, from /proc/modules and /sys/module. */
export function liveModuleState(live: LiveFacts): LiveModuleState {
  if (live.procModules !== null && procModulesHasConntrack(live.procModules)) return 'loaded';
  if (live.sysModule) return live.sysModuleInitstate ? 'loaded' : 'built-in';
  if (live.procModules !== null || live.release !== null) return 'not loaded';
  return 'unknown';
}

function ipv4Module(releases: string[]): ConntrackState['ipv4Module'] {
  const answers = new Set(releases.map(hasIpv4ConntrackModule));
  if (answers.size !== 1 || answers.has(null)) return 'unknown';
  return answers.has(true) ? 'yes' : 'no';
}

/** Combines live state and modules.builtin lists into one judgement. */
export function conntrackState(live: LiveFacts, builtins: readonly BuiltinList[]): ConntrackState {
  const state = liveModuleState(live);
  const lists = builtins.filter((b): b is BuiltinList & { text: string } => b.text !== null);
  const releases = live.release !== null ? [live.release] : builtins.map((b) => b.release);
  const base = { live: state, releases, ipv4Module: ipv4Module(releases) };
  if (lists.length > 0) {
    const having = lists.filter((b) => builtinHasConntrack(b.text));
    if (having.length === lists.length) {
      return { ...base, builtIn: 'yes', source: `${having.map((b) => b.path).join(', ')} list${having.length === 1 ? 's' : ''} ${CONNTRACK_MODULE}` };
    }
    const without = lists.filter((b) => !having.includes(b));
    return { ...base, builtIn: 'no', source: `${without.map((b) => b.path).join(', ')} do${without.length === 1 ? 'es' : ''} not list ${CONNTRACK_MODULE}` };
  }
  if (state === 'built-in') return { ...base, builtIn: 'yes', source: `/sys/module/${CONNTRACK_MODULE} exists without initstate` };
  if (state === 'loaded') return { ...base, builtIn: 'no', source: 'loaded as a module (/proc/modules)' };
  return { ...base, builtIn: 'unknown', source: 'no modules.builtin under /lib/modules or /usr/lib/modules and no live /sys/module' };
}
