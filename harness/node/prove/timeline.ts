/**
 * What a boot showed, as a reader needs it (pure): the timeline of the events that decide
 * be_liberal (unit starts and ends, the module insertion, systemd-sysctl's complaint, boot
 * finished, the kube-proxy step, the values read) and the outcome of the boot.
 */
import { CONNTRACK_MODULE, MODULES_LOAD_UNIT, SYSCTL_UNIT } from '../constants.js';
import type { BootEvidence } from './evidence.js';

/** One line of the timeline; `at` in seconds since the kernel started. */
export interface TimelineEvent {
  at: number | null;
  /** Where it sorts when that differs from `at` (journal lines, see `timeline`). */
  sortAt?: number;
  what: string;
}

/** Whether the value the node runs with is the one configured. */
export type BootOutcome = 'kept' | 'lost' | 'unknown';

/** `kept` when be_liberal is 1 after the kube-proxy step, `lost` when 0, else `unknown`. */
export function bootOutcome(e: BootEvidence): BootOutcome {
  return e.liberalAfterProxy === '1' ? 'kept' : e.liberalAfterProxy === '0' ? 'lost' : 'unknown';
}

/** How a be_liberal reading reads: `absent (nf_conntrack not loaded: the key does not exist)` or the value. */
export function describeValue(v: string | null): string {
  if (v === null) return 'not read';
  return v === 'absent' ? 'absent (nf_conntrack not loaded: the key does not exist)' : v;
}

/** Where nf_conntrack came from, in words. */
export function describeOrigin(e: BootEvidence): string {
  const o = e.conntrackOrigin;
  switch (o.kind) {
    case 'modules-load':
      return `loaded at boot by ${MODULES_LOAD_UNIT}${o.at !== null ? ` at ${o.at.toFixed(2)} s` : ''}`;
    case 'boot':
      return e.init === 'sysvinit' ? 'loaded at boot (by the kmod init script: /etc/modules, modules-load.d)' : 'loaded during boot by something other than systemd-modules-load';
    case 'proxy-step':
      return `not loaded at boot; loaded by the kube-proxy step${o.at !== null ? ` at ${o.at.toFixed(2)} s` : ''}`;
    case 'built-in':
      return 'built into the kernel (no module)';
    case 'never':
      return 'never loaded';
  }
}

/** The timeline of one boot, in time order (events without a time last). */
export function timeline(e: BootEvidence, proxyDescription: string): TimelineEvent[] {
  const ev: TimelineEvent[] = [];
  for (const u of e.units) {
    ev.push({ at: u.startedAt, what: `${u.unit} started` });
    ev.push({ at: u.finishedAt, what: `${u.unit} finished${u.result && u.result !== 'success' ? ` (${u.result})` : ''}` });
  }
  for (const l of e.journal) {
    if (l.ident !== 'systemd-modules-load' && l.ident !== 'systemd-sysctl') continue;
    // A journal time is when journald received the line, which can be after the unit already
    // finished (and the next one started); the line happened while its unit ran, so it sorts there.
    const unit = e.units.find((u) => u.unit === `${l.ident}.service`);
    const sortAt = unit?.finishedAt != null && l.at >= unit.finishedAt ? unit.finishedAt - 1e-6 : l.at;
    ev.push({ at: l.at, sortAt, what: `${l.ident}: ${l.message}` });
  }
  if (e.init === 'sysvinit' && e.rcOrder.length > 0) {
    const kmod = e.rcOrder.find((s) => s.endsWith('kmod'));
    const procps = e.rcOrder.find((s) => s.endsWith('procps'));
    ev.push({ at: null, what: `sysvinit ran ${kmod ?? '(no kmod script)'} (modules) then ${procps ?? '(no procps script)'} (sysctl --system)` });
  }
  ev.push({ at: e.bootFinishedAt, what: `boot finished${e.systemState && e.systemState !== 'sysvinit' ? ` (${e.systemState})` : ''}: be_liberal = ${describeValue(e.liberalAfterBoot)}` });
  ev.push({
    at: e.proxyStep.startedAt,
    what: `${proxyDescription}${e.proxyStep.exitCode !== null && e.proxyStep.exitCode !== 0 ? ` (exit ${e.proxyStep.exitCode})` : ''}` +
      (e.conntrackOrigin.kind === 'proxy-step' ? `: ${CONNTRACK_MODULE} loaded now` : ''),
  });
  ev.push({ at: e.proxyStep.finishedAt, what: `be_liberal = ${describeValue(e.liberalAfterProxy)}` });
  const key = (x: TimelineEvent) => x.sortAt ?? x.at!;
  const timed = ev.filter((x) => x.at !== null).sort((a, b) => key(a) - key(b));
  return [...timed, ...ev.filter((x) => x.at === null)];
}

/** One sentence: why the value was kept or lost in this boot. */
export function explain(e: BootEvidence): string {
  const outcome = bootOutcome(e);
  const sysctl = e.init === 'systemd' ? SYSCTL_UNIT : "procps's boot script (sysctl --system)";
  if (outcome === 'kept') {
    return e.conntrackOrigin.kind === 'proxy-step'
      ? `kept: be_liberal = 1 after the kube-proxy step, although ${CONNTRACK_MODULE} was not loaded at boot (something sets it later)`
      : `kept: ${CONNTRACK_MODULE} was ${describeOrigin(e)}, so ${sysctl} found the key and set it to 1`;
  }
  if (outcome === 'lost') {
    if (e.conntrackOrigin.kind === 'proxy-step') {
      return `lost: ${CONNTRACK_MODULE} was not loaded when ${sysctl} ran, so the key did not exist and was skipped; the kube-proxy step loaded the module later with the default 0`;
    }
    return `lost: be_liberal is 0 although ${CONNTRACK_MODULE} was ${describeOrigin(e)} (no file sets 1, or a later one sets 0)`;
  }
  return 'unknown: be_liberal could not be read';
}
