/**
 * `NodeFacts`: everything the check reads from a node, as plain data (file texts by path).
 * `gatherFacts` fills it through a `NodeFs`; everything after that is pure, so tests and
 * `node persist` can build or amend facts without touching a filesystem.
 */

/** One `*.conf` file found in a configuration directory. */
export interface ConfFile {
  /** Absolute path inside the node. */
  path: string;
  /** File name (what masking and ordering use). */
  name: string;
  text: string;
}

/** One configuration directory and its `*.conf` files (empty when the directory is absent). */
export interface ConfDir {
  dir: string;
  files: ConfFile[];
}

/** One unit: its fragment in each unit directory (null where absent) and its drop-in directories. */
export interface UnitFacts {
  fragments: { path: string; text: string | null }[];
  dropIns: ConfDir[];
}

/** Live kernel state, each null when the file is absent (not a live system). */
export interface LiveFacts {
  /** `/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal`. */
  liberal: string | null;
  /** `/proc/modules`. */
  procModules: string | null;
  /** `/proc/sys/kernel/osrelease`. */
  release: string | null;
  /** Whether `/sys/module/nf_conntrack` exists (loaded module or built in). */
  sysModule: boolean;
  /** Whether `/sys/module/nf_conntrack/initstate` exists (only loadable modules have it). */
  sysModuleInitstate: boolean;
}

/** `modules.builtin` of one kernel release under /lib/modules or /usr/lib/modules. */
export interface BuiltinList {
  release: string;
  path: string;
  /** null when the release directory has no modules.builtin. */
  text: string | null;
}

/** Everything read from one node. */
export interface NodeFacts {
  /** What was checked (`/`, a root directory, `kind node X`). */
  target: string;
  sysctlDirs: ConfDir[];
  /** `/etc/sysctl.conf`, null when absent. */
  sysctlConf: string | null;
  modulesLoadDirs: ConfDir[];
  /** `/etc/modules`, null when absent. */
  etcModules: string | null;
  sysctlUnit: UnitFacts;
  modulesLoadUnit: UnitFacts;
  /** Paths found that show systemd is installed (binary, /run/systemd/system). */
  systemdEvidence: string[];
  live: LiveFacts;
  builtins: BuiltinList[];
}
