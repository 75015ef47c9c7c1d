import { describe, expect, it } from 'vitest';
import { collectorScript, collectorUnit, guestFiles, IPVS_MODULES } from './guest-collector.js';
import { GUEST_OUT_DIR, initScript, NODE_CONFIG_PATHS, SHARE_TAGS } from './init-script.js';
import { qemuArgv } from '../../qemu/argv.js';
import { PROVE_QEMU_NAME } from './leftovers.js';
import { KERNEL_CMDLINE, proveMachine } from './machine.js';

const input = {
  name: 'rl-abc123-prove-before',
  vmlinuz: '/k/vmlinuz',
  initrd: '/r/initramfs.cpio',
  shares: { rootfs: '/c/rootfs', modules: '/k/lib/modules/6.1.0-56-amd64', config: '/r/conf', out: '/r/out' },
  pidfile: '/r/qemu.pid',
  accel: 'tcg' as const,
};

describe('proveMachine (through the shared qemuArgv)', () => {
  const argv = qemuArgv(proveMachine(input));
  const after = (flag: string) => argv[argv.indexOf(flag) + 1];
  it('has no NIC and no default devices, no display, no reboot, a pidfile and the run prefix in -name', () => {
    expect(after('-nic')).toBe('none');
    expect(argv).toContain('-nodefaults');
    expect(argv).toContain('-no-reboot');
    expect(after('-display')).toBe('none');
    expect(after('-pidfile')).toBe('/r/qemu.pid');
    expect(after('-name')).toBe('rl-abc123-prove-before');
    expect(PROVE_QEMU_NAME.test('rl-abc123-prove-before') && PROVE_QEMU_NAME.test('rl-abc123-prove-after')).toBe(true);
    expect(PROVE_QEMU_NAME.test('rl-abc123-vm')).toBe(false);
    expect(after('-append')).toBe(KERNEL_CMDLINE);
    expect(KERNEL_CMDLINE).toContain('console=ttyS0');
  });
  it('exports every share read-only except the evidence share', () => {
    const shares = argv.filter((_, i) => argv[i - 1] === '-virtfs');
    expect(shares).toHaveLength(4);
    for (const s of shares) expect(s.includes('readonly=on')).toBe(!s.includes(`mount_tag=${SHARE_TAGS.out},`));
    expect(shares.find((s) => s.includes(`mount_tag=${SHARE_TAGS.rootfs},`))).toContain('path=/c/rootfs');
  });
});

describe('initScript', () => {
  const s = initScript({ release: '6.1.0-56-amd64' });
  it('mounts the rootfs read-only under a tmpfs overlay and switch_roots to /sbin/init', () => {
    expect(s).toMatch(/^#!\/bin\/busybox sh/);
    expect(s).toContain(`,ro,cache=loose ${SHARE_TAGS.rootfs} /lower`);
    expect(s).toContain('mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot');
    expect(s).toContain('/newroot/usr/lib/modules/6.1.0-56-amd64');
    expect(s).toMatch(/exec switch_root \/newroot \/sbin\/init\n$/);
    expect(s).toContain('for f in $(cat /modules/order); do insmod "/modules/$f"');
  });
  it('replaces each node configuration path (absent in the config = absent in the guest)', () => {
    expect(s).toContain(`for p in ${NODE_CONFIG_PATHS.join(' ')}; do`);
    expect(s).toContain('rm -rf "/newroot$p"');
  });
  it('powers off with a marker on any failure', () => {
    expect(s).toMatch(/fail\(\) \{ echo "resetlab-initramfs: FAILED: \$\*"/);
  });
});

describe('guest collector', () => {
  it('systemd: a Type=simple unit wanted by multi-user.target, not ordered after it (that would be a cycle)', () => {
    const unit = collectorUnit();
    expect(unit).toContain('Type=simple');
    expect(unit).toContain('WantedBy=multi-user.target');
    expect(unit).not.toMatch(/After=multi-user.target/);
    expect(guestFiles('systemd', 'ipvs').map((f) => f.path)).toEqual([
      'usr/local/sbin/resetlab-collect',
      'etc/systemd/system/resetlab-collect.service',
      'etc/systemd/system/multi-user.target.wants/resetlab-collect.service',
    ]);
  });
  it('sysvinit: runs from rc.local, and reads no journal', () => {
    expect(guestFiles('sysvinit', 'ipvs').map((f) => f.path)).toEqual(['usr/local/sbin/resetlab-collect', 'etc/rc.local']);
    expect(collectorScript('sysvinit', 'ipvs')).not.toContain('journalctl');
  });
  it('reads be_liberal after boot, runs the proxy step, reads again, writes done, powers off', () => {
    const s = collectorScript('systemd', 'ipvs');
    const order = ['systemctl is-system-running --wait', 'liberal > $O/liberal-boot.txt', `modprobe -a ${IPVS_MODULES.join(' ')}`, 'liberal > $O/liberal-proxy.txt', 'echo done', 'poweroff -f'];
    const at = order.map((x) => s.indexOf(x));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(s).toContain(`O=${GUEST_OUT_DIR}`);
  });
  it('iptables mode restores a KUBE-FORWARD chain that needs the conntrack match', () => {
    expect(collectorScript('systemd', 'iptables')).toMatch(/iptables-restore --noflush <<'RULES'\n\*filter\n:KUBE-FORWARD - \[0:0\]\n-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\nCOMMIT\nRULES/);
  });
});
