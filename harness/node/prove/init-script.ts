/**
 * The initramfs `/init` (busybox sh) that turns the cached Debian rootfs into a bootable,
 * throw-away node: load the virtio/9p/overlay modules, mount the rootfs read-only over 9p
 * with a tmpfs overlay on top, replace the node's boot configuration with the one given,
 * bind the kernel's modules and the evidence share, then `switch_root` to the rootfs's
 * `/sbin/init` (systemd, or sysvinit). Nothing the guest writes reaches the cached rootfs.
 * Pure text; the 9p mount tags are fixed here and used by `proveMachine`. Modules come
 * from `/modules/order`, written by the shared initramfs builder (harness/qemu/initramfs.ts).
 */

/** 9p mount tags the launcher must export. */
export const SHARE_TAGS = {
  /** The cached rootfs, read-only. */
  rootfs: 'rlroot',
  /** The kernel's `lib/modules/<release>`, read-only. */
  modules: 'rlmods',
  /** The node configuration and resetlab's guest files, read-only. */
  config: 'rlconf',
  /** Where the guest writes its evidence, writable. */
  out: 'rlout',
} as const;

/** Where the evidence share is mounted in the guest (outside /run and /tmp, which init remounts). */
export const GUEST_OUT_DIR = '/resetlab/out';

/** Where the config share is mounted in the guest. */
export const GUEST_CONF_DIR = '/resetlab/conf';

/** The node paths whose content is replaced by the configuration given (absent there = absent in the guest). */
export const NODE_CONFIG_PATHS = ['/etc/sysctl.d', '/etc/sysctl.conf', '/etc/modules-load.d', '/etc/modules'] as const;

/** Marker lines on the console, so a failed boot says how far it got. */
export const CONSOLE_MARKER = 'resetlab-initramfs:';

/** Inputs of the init script. */
export interface InitScriptOptions {
  /** `uname -r` of the kernel booted; its modules are bound at /usr/lib/modules/<release>. */
  release: string;
}

/** The `/init` text. Every failure prints a marker line and powers off, so the host sees it at once. */
export function initScript(o: InitScriptOptions): string {
  const p9 = 'trans=virtio,version=9p2000.L,msize=262144';
  const m = CONSOLE_MARKER;
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
fail() { echo "${m} FAILED: $*"; sync; poweroff -f; sleep 5; echo o > /proc/sysrq-trigger; }
mount -t proc proc /proc && mount -t sysfs sysfs /sys && mount -t devtmpfs devtmpfs /dev || fail "mount proc/sys/dev"
echo "${m} loading modules"
for f in $(cat /modules/order); do insmod "/modules/$f" || fail "insmod $f"; done
mkdir -p /lower /rw /newroot
mount -t 9p -o ${p9},ro,cache=loose ${SHARE_TAGS.rootfs} /lower || fail "mount rootfs share ${SHARE_TAGS.rootfs}"
mount -t tmpfs -o mode=0755 tmpfs /rw && mkdir -p /rw/upper /rw/work || fail "mount tmpfs"
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot || fail "mount overlay"
mkdir -p /newroot${GUEST_CONF_DIR} /newroot${GUEST_OUT_DIR} /newroot/usr/lib/modules/${o.release}
mount -t 9p -o ${p9},ro ${SHARE_TAGS.config} /newroot${GUEST_CONF_DIR} || fail "mount config share"
mount -t 9p -o ${p9},rw ${SHARE_TAGS.out} /newroot${GUEST_OUT_DIR} || fail "mount evidence share"
mount -t 9p -o ${p9},ro,cache=loose ${SHARE_TAGS.modules} /newroot/usr/lib/modules/${o.release} || fail "mount modules share"
for p in ${NODE_CONFIG_PATHS.join(' ')}; do
  rm -rf "/newroot$p"
  if [ -e "/newroot${GUEST_CONF_DIR}/node$p" ] || [ -L "/newroot${GUEST_CONF_DIR}/node$p" ]; then cp -a "/newroot${GUEST_CONF_DIR}/node$p" "/newroot$p" || fail "copy $p"; fi
done
cp -a /newroot${GUEST_CONF_DIR}/guest/. /newroot/ || fail "install resetlab's collector"
echo "${m} node configuration in place; switch_root to /sbin/init at $(cut -d' ' -f1 /proc/uptime) s"
umount /proc /sys
mount --move /dev /newroot/dev 2>/dev/null || umount /dev
exec switch_root /newroot /sbin/init
`;
}
