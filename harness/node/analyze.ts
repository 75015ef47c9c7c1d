/**
 * Turns `NodeFacts` into an `Analysis`: which sysctl assignment wins, what loads
 * nf_conntrack at boot, whether systemd orders sysctl after modules-load. Findings and
 * the verdict are rendered from it (findings.ts, verdict.ts). Pure.
 */
import { conntrackState, type ConntrackState } from './conntrack-state.js';
import { CONNTRACK_MODULE, LIBERAL_KEY, MODULES_LOAD_UNIT, SYSCTL_UNIT } from './constants.js';
import type { NodeFacts } from './facts.js';
import { conntrackInEtcModules, conntrackInModulesLoad, type ModuleEntry } from './modules-file.js';
import { settingsForKey, type KeySettings } from './sysctl-file.js';
import { effectiveUnit, type EffectiveUnit } from './unit-file.js';

/** What loads nf_conntrack at boot. */
export interface ModuleLoading {
  /** Effective modules-load.d lines loading nf_conntrack or nf_conntrack_ipv4. */
  modulesLoad: ModuleEntry[];
  /** /etc/modules lines loading them (counted only without systemd: Debian's kmod init script). */
  etcModules: ModuleEntry[];
  /** 'yes' when a counted line loads nf_conntrack; 'unknown' when only nf_conntrack_ipv4 on an unknown kernel. */
  loaded: 'yes' | 'no' | 'unknown';
  /** The line that does it (or the nf_conntrack_ipv4 line that might). */
  via: ModuleEntry | null;
}

/** Whether systemd applies sysctl after loading modules. */
export interface Ordering {
  /** systemd is installed under the root (a unit or a binary found). */
  systemd: boolean;
  evidence: string[];
  sysctlUnit: EffectiveUnit;
  modulesLoadUnit: EffectiveUnit;
  /** systemd-sysctl After=systemd-modules-load, or systemd-modules-load Before=systemd-sysctl. */
  ordered: boolean;
}

/** Everything the findings and the verdict are made of. */
export interface Analysis {
  target: string;
  key: string;
  /** The live value (`/proc/sys/...`), null when absent. */
  liveValue: string | null;
  /** /proc is there (a running system, not an image). */
  isLive: boolean;
  conntrack: ConntrackState;
  sysctl: KeySettings;
  modules: ModuleLoading;
  ordering: Ordering;
}

function moduleLoading(facts: NodeFacts, systemd: boolean, ct: ConntrackState): ModuleLoading {
  const modulesLoad = conntrackInModulesLoad(facts.modulesLoadDirs);
  const etcModules = conntrackInEtcModules(facts.etcModules);
  const counted = systemd ? modulesLoad : [...etcModules, ...modulesLoad];
  const direct = counted.find((e) => e.module === CONNTRACK_MODULE);
  if (direct) return { modulesLoad, etcModules, loaded: 'yes', via: direct };
  const old = counted[0];
  if (!old) return { modulesLoad, etcModules, loaded: 'no', via: null };
  return { modulesLoad, etcModules, loaded: ct.ipv4Module, via: old };
}

/** Analyses one node's facts. */
export function analyze(facts: NodeFacts): Analysis {
  const sysctlUnit = effectiveUnit(facts.sysctlUnit);
  const modulesLoadUnit = effectiveUnit(facts.modulesLoadUnit);
  const systemd = facts.systemdEvidence.length > 0 || sysctlUnit.path !== null;
  const evidence = [...(sysctlUnit.path ? [sysctlUnit.path] : []), ...facts.systemdEvidence];
  const ordered = sysctlUnit.after.includes(MODULES_LOAD_UNIT) || modulesLoadUnit.before.includes(SYSCTL_UNIT);
  const conntrack = conntrackState(facts.live, facts.builtins);
  return {
    target: facts.target,
    key: LIBERAL_KEY,
    liveValue: facts.live.liberal,
    isLive: facts.live.release !== null || facts.live.procModules !== null,
    conntrack,
    sysctl: settingsForKey(facts.sysctlDirs, facts.sysctlConf, LIBERAL_KEY),
    modules: moduleLoading(facts, systemd, conntrack),
    ordering: { systemd, evidence, sysctlUnit, modulesLoadUnit, ordered },
  };
}
