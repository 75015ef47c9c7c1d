/**
 * Where the boot-time pieces of the be_liberal fix live on a node: the sysctl key, the
 * directories systemd (and procps) read, in precedence order, and the module names.
 * Pure data; every path is absolute inside the node's root filesystem.
 */

/** The sysctl key the fix sets. */
export const LIBERAL_KEY = 'net.netfilter.nf_conntrack_tcp_be_liberal';

/** Its file under /proc/sys (present only while nf_conntrack is loaded or built in). */
export const LIBERAL_PROC_PATH = '/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal';

/** sysctl.d directories, earlier masks later files of the same name (sysctl.d(5)). */
export const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'] as const;

/** Read after every sysctl.d file (procps `sysctl --system`; systemd via 99-sysctl.conf). */
export const SYSCTL_CONF = '/etc/sysctl.conf';

/** modules-load.d directories, same masking rules as sysctl.d (modules-load.d(5)). */
export const MODULES_LOAD_DIRS = [
  '/etc/modules-load.d',
  '/run/modules-load.d',
  '/usr/local/lib/modules-load.d',
  '/usr/lib/modules-load.d',
  '/lib/modules-load.d',
] as const;

/** Debian's legacy module list, read by its kmod init script (and by systemd via modules-load.d/modules.conf). */
export const ETC_MODULES = '/etc/modules';

/** Unit directories searched for systemd-sysctl.service, highest precedence first. */
export const UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/local/lib/systemd/system',
  '/usr/lib/systemd/system',
  '/lib/systemd/system',
] as const;

/** The unit that applies sysctl.d at boot. */
export const SYSCTL_UNIT = 'systemd-sysctl.service';

/** The unit that loads modules-load.d; upstream systemd-sysctl.service is ordered after it. */
export const MODULES_LOAD_UNIT = 'systemd-modules-load.service';

/** Files whose presence means systemd is installed under the root. */
export const SYSTEMD_EVIDENCE = ['/usr/lib/systemd/systemd', '/lib/systemd/systemd', '/run/systemd/system'] as const;

/** Directories holding `<release>/modules.builtin`. */
export const MODULE_TREES = ['/lib/modules', '/usr/lib/modules'] as const;

/** The module that registers the key. */
export const CONNTRACK_MODULE = 'nf_conntrack';

/** Before Linux 4.19 the IPv4 part was a separate module; loading it loads nf_conntrack as a dependency. */
export const OLD_CONNTRACK_MODULE = 'nf_conntrack_ipv4';

/** First kernel (major, minor) where nf_conntrack_ipv4 no longer exists. */
export const IPV4_MODULE_MERGED_IN = [4, 19] as const;

/** Default base name of the files `node persist` writes. */
export const DEFAULT_PERSIST_NAME = '90-resetlab-conntrack';
