/**
 * The verdict of `node check`: will `be_liberal = 1` survive a reboot? Decided from an
 * `Analysis` in a fixed order: the winning assignment, a masked systemd-sysctl, a built-in
 * nf_conntrack (no ordering trap), no systemd, what loads the module, and the unit ordering.
 * Only `survives` passes the gate. Pure.
 */
import type { Analysis } from './analyze.js';
import { IPV4_MODULE_MERGED_IN } from './constants.js';

/** `survives` (exit 0); `lost` and `unconfirmed` fail the gate (exit 3). */
export type VerdictKind = 'survives' | 'lost' | 'unconfirmed';

/** The verdict with its reason. */
export interface NodeVerdict {
  kind: VerdictKind;
  /** Why, as a clause: "no sysctl file sets ...". */
  because: string;
  /** One sentence: "will survive reboot: ..." / "will be lost at reboot, because ...". */
  text: string;
}

const at = (e: { path: string; line: number }): string => `${e.path}:${e.line}`;

function verdict(kind: VerdictKind, because: string): NodeVerdict {
  const head = { survives: 'will survive reboot:', lost: 'will be lost at reboot, because', unconfirmed: 'cannot confirm it will survive reboot, because' }[kind];
  return { kind, because, text: `${head} ${because}` };
}

/** Decides the verdict. */
export function decideVerdict(a: Analysis): NodeVerdict {
  const { sysctl, conntrack, modules, ordering } = a;
  const winner = sysctl.winner;
  if (!winner) return verdict('lost', `no sysctl file sets ${a.key}, so the node boots with the kernel default 0`);
  if (winner.value !== '1') {
    const earlier = sysctl.settings.slice(0, -1).filter((s) => s.value === '1');
    const over = earlier.length > 0 ? `, overriding ${earlier.map(at).join(', ')}` : '';
    return verdict('lost', `${at(winner)} sets ${a.key} = ${winner.value} and is applied last${over}`);
  }
  if (ordering.systemd && ordering.sysctlUnit.masked) {
    return verdict('lost', `systemd-sysctl.service is masked (${ordering.sysctlUnit.path}), so no sysctl file is applied at boot`);
  }
  if (conntrack.builtIn === 'yes') {
    return verdict('survives', `nf_conntrack is built into the kernel (${conntrack.source}), so the key exists when ${at(winner)} is applied`);
  }
  const unlessBuiltIn = conntrack.builtIn === 'unknown' ? ' (unless nf_conntrack is built into the kernel, which could not be determined)' : '';
  const [mj, mn] = IPV4_MODULE_MERGED_IN;
  if (modules.loaded === 'no' && modules.via !== null) {
    return verdict('lost', `${at(modules.via!)} lists nf_conntrack_ipv4, which no longer exists since Linux ${mj}.${mn} (kernel ${conntrack.releases.join(', ')}), so nothing loads nf_conntrack${unlessBuiltIn}`);
  }
  if (modules.loaded === 'no') {
    const where = ordering.systemd ? 'no modules-load.d file lists it' : 'neither /etc/modules nor a modules-load.d file lists it';
    return verdict(
      'lost',
      `nf_conntrack is a loadable module and ${where}: sysctl is applied before anything loads it, the key does not exist yet and ${at(winner)} is skipped${unlessBuiltIn}`,
    );
  }
  if (modules.loaded === 'unknown') {
    return verdict('unconfirmed', `${at(modules.via!)} lists nf_conntrack_ipv4, which loads nf_conntrack only on kernels before ${mj}.${mn}, and the kernel release is unknown`);
  }
  if (!ordering.systemd) {
    return verdict(
      'unconfirmed',
      `there is no systemd under ${a.target}: ${at(modules.via!)} loads nf_conntrack, but whether the init scripts load it before they apply sysctl settings cannot be verified`,
    );
  }
  if (ordering.sysctlUnit.path === null) {
    return verdict('unconfirmed', 'systemd is installed but there is no systemd-sysctl.service, so it is unknown what applies sysctl files at boot');
  }
  const ml = ordering.modulesLoadUnit;
  if (ml.path === null || ml.masked) {
    return verdict('lost', `systemd-modules-load.service is ${ml.masked ? `masked (${ml.path})` : 'missing'}, so ${at(modules.via!)} is never read`);
  }
  if (!ordering.ordered) {
    return verdict('lost', `systemd-sysctl.service (${ordering.sysctlUnit.path}) is not ordered after systemd-modules-load.service, so it can run before nf_conntrack is loaded`);
  }
  return verdict(
    'survives',
    `${at(modules.via!)} loads ${modules.via!.module} in systemd-modules-load.service, which runs before systemd-sysctl.service applies ${at(winner)} (${a.key} = 1)`,
  );
}
