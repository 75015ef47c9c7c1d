/**
 * The findings of `node check`, one per concern, each with a status and, when something is
 * wrong, the exact remedy. `info` marks facts that do not decide anything here (e.g. the
 * ordering when nf_conntrack is built in). Pure.
 */
import type { Analysis } from './analyze.js';
import { DEFAULT_PERSIST_NAME, IPV4_MODULE_MERGED_IN, MODULES_LOAD_DIRS, SYSCTL_DIRS } from './constants.js';

/** One finding. */
export interface Finding {
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'info';
  detail: string;
  /** What to do about it (absent when nothing needs doing). */
  remedy?: string;
}

const at = (e: { path: string; line: number }): string => `${e.path}:${e.line}`;
const PERSIST = 'resetlab node persist --apply';
const CRITICAL_CHAIN = 'systemd-analyze critical-chain systemd-sysctl.service';

function liveFinding(a: Analysis): Finding {
  const name = 'live value';
  if (a.liveValue === '1') return { name, status: 'ok', detail: `${a.key} = 1 now` };
  if (a.liveValue !== null) return { name, status: 'warn', detail: `${a.key} = ${a.liveValue} now: the fix is not active`, remedy: `sysctl -w ${a.key}=1 (now; the files make it stick)` };
  if (!a.isLive) return { name, status: 'info', detail: 'unknown (not a live system)' };
  return { name, status: 'warn', detail: `${a.key} does not exist now: nf_conntrack is not loaded (it starts at 0 when something loads it later)`, remedy: `modprobe nf_conntrack && sysctl -w ${a.key}=1` };
}

function conntrackFinding(a: Analysis): Finding {
  const c = a.conntrack;
  const live = `live: ${c.live}`;
  if (c.builtIn === 'yes') return { name: 'nf_conntrack', status: 'ok', detail: `built into the kernel (${c.source}; ${live}): the key exists from early boot, so the modules-load ordering trap does not apply` };
  if (c.builtIn === 'no') return { name: 'nf_conntrack', status: 'info', detail: `a loadable module (${c.source}; ${live}): it must be loaded before sysctl files are applied` };
  return { name: 'nf_conntrack', status: 'warn', detail: `cannot tell whether it is built in (${c.source}; ${live}): treated as a loadable module` };
}

function sysctlFinding(a: Analysis): Finding {
  const { settings, winner, masked } = a.sysctl;
  const name = 'sysctl files';
  const maskedText = masked.length > 0 ? `; not read (masked by a same-named file): ${masked.map((m) => `${at(m)} by ${m.maskedBy}`).join(', ')}` : '';
  if (!winner) {
    return { name, status: 'fail', detail: `no file sets ${a.key} (searched ${SYSCTL_DIRS.join(', ')}, /etc/sysctl.conf)${maskedText}`, remedy: `${PERSIST} (writes /etc/sysctl.d/${DEFAULT_PERSIST_NAME}.conf)` };
  }
  const order = settings.map((s) => `${at(s)} = ${s.value}${s.ignoreFailure ? ' (failures ignored)' : ''}`).join(', then ');
  if (winner.value === '1') return { name, status: 'ok', detail: `applied in this order: ${order}; the winner is ${at(winner)}${maskedText}` };
  const remedy =
    winner.path === '/etc/sysctl.conf'
      ? `change line ${winner.line} of /etc/sysctl.conf to \`${a.key} = 1\` (it is read after every sysctl.d file)`
      : `change or remove ${at(winner)}, or name the drop-in so it sorts after ${winner.path.split('/').at(-1)} (resetlab node persist suggests one)`;
  return { name, status: 'fail', detail: `overridden: the winner is ${at(winner)} = ${winner.value} (applied in this order: ${order})${maskedText}`, remedy };
}

function modulesFinding(a: Analysis): Finding {
  const m = a.modules;
  const name = 'modules-load';
  const builtIn = a.conntrack.builtIn === 'yes';
  const [mj, mn] = IPV4_MODULE_MERGED_IN;
  const add = `${PERSIST} (or: echo nf_conntrack > /etc/modules-load.d/${DEFAULT_PERSIST_NAME}.conf)`;
  if (m.loaded === 'yes') {
    const how = m.via!.module === 'nf_conntrack' ? 'loads nf_conntrack' : `lists nf_conntrack_ipv4, which loads nf_conntrack as a dependency (kernel ${a.conntrack.releases.join(', ')}, before ${mj}.${mn})`;
    return { name, status: 'ok', detail: `${at(m.via!)} ${how}${builtIn ? ' (not needed: built in)' : ''}` };
  }
  if (m.via && m.loaded === 'no') {
    return { name, status: builtIn ? 'info' : 'fail', detail: `${at(m.via)} lists nf_conntrack_ipv4, which does not exist since Linux ${mj}.${mn} (kernel ${a.conntrack.releases.join(', ')})`, remedy: builtIn ? undefined : 'list nf_conntrack instead' };
  }
  if (m.via) {
    return { name, status: builtIn ? 'info' : 'warn', detail: `${at(m.via)} lists nf_conntrack_ipv4, which loads nf_conntrack only on kernels before ${mj}.${mn}; kernel release unknown`, remedy: builtIn ? undefined : 'list nf_conntrack as well' };
  }
  if (builtIn) return { name, status: 'info', detail: 'no file lists nf_conntrack (not needed: built in)' };
  if (!a.ordering.systemd) return { name, status: 'fail', detail: 'nothing loads nf_conntrack at boot (not in /etc/modules or a modules-load.d file)', remedy: 'add a line `nf_conntrack` to /etc/modules' };
  const etc = m.etcModules[0];
  const note = etc
    ? `; ${at(etc)} lists it, but systemd-modules-load reads /etc/modules only through /etc/modules-load.d/modules.conf (Debian's link to it), which is absent`
    : '';
  return { name, status: 'fail', detail: `no modules-load.d file lists nf_conntrack (searched ${MODULES_LOAD_DIRS.join(', ')})${note}`, remedy: add };
}

function orderingFinding(a: Analysis): Finding {
  const o = a.ordering;
  const name = 'boot ordering';
  const relevant = a.conntrack.builtIn !== 'yes';
  const bad = (detail: string, remedy: string): Finding => (relevant ? { name, status: 'fail', detail, remedy } : { name, status: 'info', detail: `${detail} (does not matter: nf_conntrack is built in)` });
  if (!o.systemd) return { name, status: 'info', detail: 'no systemd: see "init system"' };
  const unit = o.sysctlUnit;
  if (unit.path === null) return { name, status: 'warn', detail: 'systemd is installed but no systemd-sysctl.service was found: nothing may apply sysctl.d files at boot' };
  if (unit.masked) return { name, status: 'fail', detail: `systemd-sysctl.service is masked (${unit.path}): no sysctl file is applied at boot`, remedy: 'systemctl unmask systemd-sysctl.service' };
  const files = [unit.path, ...unit.dropIns].join(' + ');
  const ml = o.modulesLoadUnit;
  if (ml.path === null || ml.masked) {
    return bad(`systemd-modules-load.service is ${ml.masked ? `masked (${ml.path})` : 'missing'}: modules-load.d is not read`, ml.masked ? 'systemctl unmask systemd-modules-load.service' : 'install systemd-modules-load.service (part of systemd)');
  }
  if (o.ordered) return { name, status: 'ok', detail: `systemd-sysctl.service (${files}) runs after systemd-modules-load.service; on the running node: ${CRITICAL_CHAIN}` };
  return bad(
    `systemd-sysctl.service (${files}) is not ordered after systemd-modules-load.service`,
    'add /etc/systemd/system/systemd-sysctl.service.d/10-after-modules-load.conf with "[Unit]" and "After=systemd-modules-load.service", then systemctl daemon-reload',
  );
}

function initFinding(a: Analysis): Finding {
  const o = a.ordering;
  if (o.systemd) return { name: 'init system', status: 'ok', detail: `systemd (${o.evidence.join(', ')})` };
  return {
    name: 'init system',
    status: 'warn',
    detail: `no systemd under ${a.target} (no systemd-sysctl.service, no systemd binary): sysctl settings are applied by init scripts (e.g. /etc/init.d/procps, OpenRC's sysctl service) in an order this check cannot verify`,
    remedy: "load nf_conntrack before sysctl is applied: list it in /etc/modules (Debian's kmod init script loads it in rcS before procps applies sysctl.conf) and check that order in /etc/rcS.d, or use a kernel with nf_conntrack built in",
  };
}

/** Every finding, in reading order. */
export function findings(a: Analysis): Finding[] {
  return [liveFinding(a), conntrackFinding(a), sysctlFinding(a), modulesFinding(a), orderingFinding(a), initFinding(a)];
}
