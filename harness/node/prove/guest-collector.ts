/**
 * What runs inside the booted node once boot is over: the evidence collector. It waits
 * until systemd reports the boot finished (under sysvinit it runs from rc.local, at the
 * end of the boot), records be_liberal, /proc/modules and the units' timestamps and the
 * journal, then does what a kube-proxy start does first (the proxy step), records again,
 * and powers the guest off. Files land in the evidence share (see `evidence.ts` for their
 * names and parsing). Pure text generation; the files are copied into the guest's
 * tmpfs overlay by the initramfs, so nothing outlives the boot.
 */
import { LIBERAL_PROC_PATH } from '../constants.js';
import { GUEST_OUT_DIR } from './init-script.js';

/** Init systems `node prove` boots. */
export type InitSystem = 'systemd' | 'sysvinit';

/** What the proxy step does: kube-proxy's IPVS start-up modprobes, or an iptables-restore using the conntrack match. */
export type ProxyMode = 'ipvs' | 'iptables';

/** Modules kube-proxy in IPVS mode loads at start (pkg/proxy/ipvs: ip_vs, schedulers, nf_conntrack). */
export const IPVS_MODULES = ['ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh', 'nf_conntrack'] as const;

/** The units whose order is the evidence. */
export const EVIDENCE_UNITS = ['systemd-modules-load.service', 'systemd-sysctl.service'] as const;

/** A rule set as kube-proxy's iptables mode installs one: the INVALID drop needs the conntrack match. */
export const IPTABLES_RULES = `*filter
:KUBE-FORWARD - [0:0]
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
COMMIT
`;

/** One line saying what the proxy step runs, for the output. */
export function proxyStepDescription(mode: ProxyMode): string {
  return mode === 'ipvs'
    ? `kube-proxy (IPVS mode) start: modprobe -a ${IPVS_MODULES.join(' ')}`
    : 'kube-proxy (iptables mode) start: iptables-restore of KUBE-FORWARD with `-m conntrack --ctstate INVALID -j DROP`';
}

function proxyCommand(mode: ProxyMode): string {
  return mode === 'ipvs'
    ? `modprobe -a ${IPVS_MODULES.join(' ')}`
    : `iptables-restore --noflush <<'RULES'\n${IPTABLES_RULES}RULES`;
}

/** The collector shell script (POSIX sh). */
export function collectorScript(init: InitSystem, mode: ProxyMode): string {
  const o = GUEST_OUT_DIR;
  return `#!/bin/sh
# resetlab node prove: evidence collector (${init}); writes into ${o}, then powers off.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
O=${o}
liberal() { cat ${LIBERAL_PROC_PATH} 2>/dev/null || echo absent; }
step() { echo "$(cut -d' ' -f1 /proc/uptime) $*" >> $O/steps.txt; }
echo "resetlab-collector: boot finished, collecting" > /dev/console
${init === 'systemd' ? 'systemctl is-system-running --wait > $O/system-state.txt 2>&1' : 'echo sysvinit > $O/system-state.txt'}
step boot-finished
liberal > $O/liberal-boot.txt
cat /proc/modules > $O/modules-boot.txt
uname -r > $O/uname.txt
${
  init === 'systemd'
    ? `systemctl show -p Id,ActiveState,Result,InactiveExitTimestampMonotonic,ActiveEnterTimestampMonotonic ${EVIDENCE_UNITS.join(' ')} > $O/units.txt 2>&1
step units
systemd-analyze > $O/analyze.txt 2>&1
step analyze
journalctl -b -o short-monotonic --no-pager > $O/journal.txt 2>&1
step journal`
    : `ls /etc/rcS.d /etc/rc2.d > $O/rc-order.txt 2>&1`
}
step proxy-start
{ ${proxyCommand(mode)}
} > $O/proxy.txt 2>&1
echo "exit $?" >> $O/proxy.txt
liberal > $O/liberal-proxy.txt
cat /proc/modules > $O/modules-proxy.txt
step proxy-done
echo done > $O/done
sync
echo "resetlab-collector: done, powering off" > /dev/console
poweroff -f
`;
}

/** The systemd unit that runs the collector; `Type=simple` so that boot can finish while it waits. */
export function collectorUnit(): string {
  return `[Unit]
Description=resetlab node prove: collect boot evidence, then power off

[Service]
Type=simple
ExecStart=/usr/local/sbin/resetlab-collect
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
`;
}

/** Files (relative to the guest's `/`) the initramfs copies into the node, per init system. */
export function guestFiles(init: InitSystem, mode: ProxyMode): { path: string; text?: string; symlink?: string; mode: number }[] {
  const files = [{ path: 'usr/local/sbin/resetlab-collect', text: collectorScript(init, mode), mode: 0o755 }];
  if (init === 'systemd') {
    return [
      ...files,
      { path: 'etc/systemd/system/resetlab-collect.service', text: collectorUnit(), mode: 0o644 },
      { path: 'etc/systemd/system/multi-user.target.wants/resetlab-collect.service', symlink: '../resetlab-collect.service', mode: 0o777 },
    ];
  }
  return [...files, { path: 'etc/rc.local', text: '#!/bin/sh\n/usr/local/sbin/resetlab-collect &\nexit 0\n', mode: 0o755 }];
}
