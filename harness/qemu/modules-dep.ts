/**
 * Kernel module closure from `modules.dep` (pure): which files to load, dependencies first,
 * for a list of module names. Names match with `-` and `_` treated alike, as modprobe does.
 */

/** A module file relative to the modules folder, e.g. `kernel/fs/9p/9p.ko.xz`. */
export type ModulePath = string;

function moduleName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/** Parses modules.dep into name -> { path, deps }. */
export function parseModulesDep(text: string): Map<string, { path: ModulePath; deps: ModulePath[] }> {
  const map = new Map<string, { path: ModulePath; deps: ModulePath[] }>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const path = line.slice(0, colon).trim();
    const deps = line.slice(colon + 1).trim().split(/\s+/).filter(Boolean);
    map.set(moduleName(path), { path, deps });
  }
  return map;
}

/**
 * Files to insmod for `names`, each once, every dependency before its user. Returns the
 * names not found (built into the kernel, or absent: the caller decides) in `missing`.
 */
export function moduleLoadOrder(dep: Map<string, { path: ModulePath; deps: ModulePath[] }>, names: string[]): { files: ModulePath[]; missing: string[] } {
  const byPath = new Map([...dep.values()].map((v) => [v.path, v]));
  const files: ModulePath[] = [];
  const missing: string[] = [];
  const visit = (path: ModulePath, seen: Set<string>) => {
    if (files.includes(path) || seen.has(path)) return;
    seen.add(path);
    for (const d of byPath.get(path)?.deps ?? []) visit(d, seen);
    files.push(path);
  };
  for (const n of names) {
    const entry = dep.get(n.replace(/-/g, '_'));
    if (!entry) missing.push(n);
    else visit(entry.path, new Set());
  }
  return { files, missing };
}
