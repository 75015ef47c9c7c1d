/**
 * Reads a node's `NodeFacts` through a `NodeFs`: the sysctl and modules-load directories,
 * the two systemd units and their drop-ins, live state under /proc and /sys when present,
 * and `modules.builtin` of the running (or every installed) kernel. Read-only.
 */
import { isConfName } from './conf-files.js';
import {
  CONNTRACK_MODULE,
  ETC_MODULES,
  LIBERAL_PROC_PATH,
  MODULE_TREES,
  MODULES_LOAD_DIRS,
  MODULES_LOAD_UNIT,
  SYSCTL_CONF,
  SYSCTL_DIRS,
  SYSCTL_UNIT,
  SYSTEMD_EVIDENCE,
  UNIT_DIRS,
} from './constants.js';
import type { BuiltinList, ConfDir, LiveFacts, NodeFacts, UnitFacts } from './facts.js';
import type { NodeFs } from './node-fs.js';

/** Reads the `*.conf` files of each directory (absent directories give no files). */
export async function readConfDirs(fs: NodeFs, dirs: readonly string[]): Promise<ConfDir[]> {
  return Promise.all(
    dirs.map(async (dir) => {
      const names = ((await fs.listDir(dir)) ?? []).filter(isConfName).sort();
      const files = [];
      for (const name of names) {
        const path = `${dir}/${name}`;
        const text = await fs.readFile(path);
        if (text !== null) files.push({ path, name, text });
      }
      return { dir, files };
    }),
  );
}

async function readUnit(fs: NodeFs, unit: string): Promise<UnitFacts> {
  const fragments = await Promise.all(UNIT_DIRS.map(async (dir) => ({ path: `${dir}/${unit}`, text: await fs.readFile(`${dir}/${unit}`) })));
  return { fragments, dropIns: await readConfDirs(fs, UNIT_DIRS.map((dir) => `${dir}/${unit}.d`)) };
}

async function readLive(fs: NodeFs): Promise<LiveFacts> {
  const [liberal, procModules, release, sysModule, sysModuleInitstate] = await Promise.all([
    fs.readFile(LIBERAL_PROC_PATH),
    fs.readFile('/proc/modules'),
    fs.readFile('/proc/sys/kernel/osrelease'),
    fs.exists(`/sys/module/${CONNTRACK_MODULE}`),
    fs.exists(`/sys/module/${CONNTRACK_MODULE}/initstate`),
  ]);
  return { liberal: liberal?.trim() ?? null, procModules, release: release?.trim() || null, sysModule, sysModuleInitstate };
}

/** modules.builtin of the running release when known, else of every release installed. */
async function readBuiltins(fs: NodeFs, release: string | null): Promise<BuiltinList[]> {
  const seen = new Map<string, BuiltinList>();
  for (const tree of MODULE_TREES) {
    const releases = release !== null ? [release] : ((await fs.listDir(tree)) ?? []).sort();
    for (const rel of releases) {
      if (seen.get(rel)?.text) continue;
      if (!(await fs.exists(`${tree}/${rel}`))) continue;
      const path = `${tree}/${rel}/modules.builtin`;
      seen.set(rel, { release: rel, path, text: await fs.readFile(path) });
    }
  }
  return [...seen.values()];
}

/** Reads every fact the check needs from one node. */
export async function gatherFacts(fs: NodeFs): Promise<NodeFacts> {
  const live = await readLive(fs);
  const [sysctlDirs, sysctlConf, modulesLoadDirs, etcModules, sysctlUnit, modulesLoadUnit, evidence, builtins] = await Promise.all([
    readConfDirs(fs, SYSCTL_DIRS),
    fs.readFile(SYSCTL_CONF),
    readConfDirs(fs, MODULES_LOAD_DIRS),
    fs.readFile(ETC_MODULES),
    readUnit(fs, SYSCTL_UNIT),
    readUnit(fs, MODULES_LOAD_UNIT),
    Promise.all(SYSTEMD_EVIDENCE.map(async (p): Promise<string | null> => ((await fs.exists(p)) ? p : null))),
    readBuiltins(fs, live.release),
  ]);
  return {
    target: fs.label,
    sysctlDirs,
    sysctlConf,
    modulesLoadDirs,
    etcModules,
    sysctlUnit,
    modulesLoadUnit,
    systemdEvidence: evidence.filter((p): p is string => p !== null),
    live,
    builtins,
  };
}
