/**
 * The evidence one boot of `node prove` brings back (the files the guest collector writes,
 * see guest-collector.ts), parsed into `BootEvidence`. Pure: the caller reads the files
 * (`readEvidenceFiles`) and owns the directory.
 */
import { CONNTRACK_MODULE, MODULES_LOAD_UNIT, SYSCTL_UNIT } from '../constants.js';
import type { InitSystem } from './guest-collector.js';
import { monotonicSeconds, parseJournal, parseSystemctlShow, startupLine, type JournalLine } from './journal.js';

/** File names in the evidence share. */
export const EVIDENCE_FILES = [
  'done',
  'steps.txt',
  'system-state.txt',
  'uname.txt',
  'liberal-boot.txt',
  'modules-boot.txt',
  'units.txt',
  'analyze.txt',
  'journal.txt',
  'rc-order.txt',
  'proxy.txt',
  'liberal-proxy.txt',
  'modules-proxy.txt',
] as const;

/** The files' texts (absent files are missing keys). */
export type EvidenceFiles = Partial<Record<(typeof EVIDENCE_FILES)[number], string>>;

/** When a unit started and finished (seconds since the kernel started), from `systemctl show`. */
export interface UnitTiming {
  unit: string;
  startedAt: number | null;
  finishedAt: number | null;
  result: string | null;
}

/** Where nf_conntrack came from in this boot. */
export type ConntrackOrigin =
  | { kind: 'modules-load'; at: number | null } // systemd-modules-load inserted it
  | { kind: 'boot'; } // loaded during boot by something else (e.g. sysvinit's kmod script)
  | { kind: 'proxy-step'; at: number | null } // absent after boot, loaded by the kube-proxy step
  | { kind: 'built-in' } // the key exists but no module is listed
  | { kind: 'never' };

/** Everything one boot showed. Extend with optional fields; never rename. */
export interface BootEvidence {
  kernel: string | null;
  init: InitSystem;
  /** `systemctl is-system-running --wait` (running, degraded), or `sysvinit`. */
  systemState: string | null;
  /** Seconds since the kernel started when the collector saw the boot finished. */
  bootFinishedAt: number | null;
  /** systemd-analyze's "Startup finished in ..." line. */
  startup: string | null;
  /** be_liberal right after boot: "0", "1", or "absent" (nf_conntrack not loaded: the key does not exist). */
  liberalAfterBoot: string | null;
  /** be_liberal after the kube-proxy step: the value the node runs with. */
  liberalAfterProxy: string | null;
  conntrackAfterBoot: boolean;
  conntrackAfterProxy: boolean;
  conntrackOrigin: ConntrackOrigin;
  units: UnitTiming[];
  /** Journal lines about the two units, nf_conntrack and be_liberal, in time order. */
  journal: JournalLine[];
  /** systemd-sysctl's complaint when the key did not exist, e.g. `Couldn't write '1' to ...`. */
  sysctlSkipped: string | null;
  /** sysvinit: the rcS.d/rc2.d scripts in the order they run. */
  rcOrder: string[];
  proxyStep: { startedAt: number | null; finishedAt: number | null; exitCode: number | null; output: string };
  /** Whether the collector finished (`done` present). */
  complete: boolean;
}

function value(text: string | undefined): string | null {
  const v = text?.trim();
  return v === undefined || v === '' ? null : v;
}

/** True when `/proc/modules` text lists the module. */
export function hasModule(procModules: string | undefined, name: string): boolean {
  return (procModules ?? '').split('\n').some((l) => l.split(' ')[0] === name);
}

/** `steps.txt` (`<uptime> <step>` lines) as a map from step to seconds. */
export function parseSteps(text: string | undefined): Map<string, number> {
  const steps = new Map<string, number>();
  for (const line of (text ?? '').split('\n')) {
    const [at, name] = line.trim().split(/\s+/);
    if (at && name && /^\d+(\.\d+)?$/.test(at)) steps.set(name, Number(at));
  }
  return steps;
}

const RELEVANT = new RegExp(`${MODULES_LOAD_UNIT}|${SYSCTL_UNIT}|${CONNTRACK_MODULE}|be_liberal`);

/** `ls /etc/rcS.d /etc/rc2.d` output as `rcS.d/S06kmod`, ... in run order (rcS.d first). */
export function parseRcOrder(text: string | undefined): string[] {
  const out: string[] = [];
  let dir = '';
  for (const line of (text ?? '').split('\n').map((l) => l.trim())) {
    if (line.endsWith(':')) dir = line.slice(0, -1).split('/').at(-1)!;
    else if (/^S\d\d/.test(line)) out.push(`${dir}/${line}`);
  }
  // ls sorts rc2.d before rcS.d; rcS.d runs first.
  return [...out.filter((e) => e.startsWith('rcS.d/')), ...out.filter((e) => !e.startsWith('rcS.d/'))];
}

/** Parses one boot's files. */
export function parseEvidence(files: EvidenceFiles, init: InitSystem): BootEvidence {
  const steps = parseSteps(files['steps.txt']);
  const units = parseSystemctlShow(files['units.txt'] ?? '');
  const journal = parseJournal(files['journal.txt'] ?? '').filter(
    (l) => l.ident === 'systemd-modules-load' || l.ident === 'systemd-sysctl' || RELEVANT.test(l.message),
  );
  const liberalAfterBoot = value(files['liberal-boot.txt']);
  const conntrackAfterBoot = hasModule(files['modules-boot.txt'], CONNTRACK_MODULE);
  const conntrackAfterProxy = hasModule(files['modules-proxy.txt'], CONNTRACK_MODULE);
  const inserted = journal.find((l) => l.ident === 'systemd-modules-load' && l.message.includes(`'${CONNTRACK_MODULE}'`));
  let conntrackOrigin: ConntrackOrigin;
  if (conntrackAfterBoot) conntrackOrigin = inserted ? { kind: 'modules-load', at: inserted.at } : { kind: 'boot' };
  else if (liberalAfterBoot !== null && liberalAfterBoot !== 'absent') conntrackOrigin = { kind: 'built-in' };
  else if (conntrackAfterProxy) conntrackOrigin = { kind: 'proxy-step', at: steps.get('proxy-start') ?? null };
  else conntrackOrigin = { kind: 'never' };
  const proxyText = files['proxy.txt'] ?? '';
  const exit = /^exit (\d+)\s*$/m.exec(proxyText);
  return {
    kernel: value(files['uname.txt']),
    init,
    systemState: value(files['system-state.txt']),
    bootFinishedAt: steps.get('boot-finished') ?? null,
    startup: startupLine(files['analyze.txt'] ?? ''),
    liberalAfterBoot,
    liberalAfterProxy: value(files['liberal-proxy.txt']),
    conntrackAfterBoot,
    conntrackAfterProxy,
    conntrackOrigin,
    units: [MODULES_LOAD_UNIT, SYSCTL_UNIT]
      .filter((u) => units.has(u))
      .map((unit) => {
        const p = units.get(unit);
        return { unit, startedAt: monotonicSeconds(p, 'InactiveExitTimestampMonotonic'), finishedAt: monotonicSeconds(p, 'ActiveEnterTimestampMonotonic'), result: p?.Result ?? null };
      }),
    journal,
    sysctlSkipped: journal.find((l) => l.ident === 'systemd-sysctl' && /be_liberal/.test(l.message))?.message ?? null,
    rcOrder: parseRcOrder(files['rc-order.txt']),
    proxyStep: {
      startedAt: steps.get('proxy-start') ?? null,
      finishedAt: steps.get('proxy-done') ?? null,
      exitCode: exit ? Number(exit[1]) : null,
      output: proxyText.replace(/^exit \d+\s*$/m, '').trim(),
    },
    complete: files.done !== undefined,
  };
}
