/**
 * Which module files to `insmod`, in which order, to load a set of modules: read from a
 * kernel's `modules.dep` (written by depmod), so the initramfs needs no modprobe. Pure.
 */

/** `modules.dep` as a map from a module's relative path to its dependencies' paths. */
export type ModulesDep = Map<string, string[]>;

/** Parses `modules.dep` text (`kernel/a.ko: kernel/b.ko kernel/c.ko`). */
export function parseModulesDep(text: string): ModulesDep {
  const deps: ModulesDep = new Map();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    deps.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim().split(/\s+/).filter(Boolean));
  }
  return deps;
}

/** The module name of a path: `kernel/net/9p/9pnet_virtio.ko(.xz)` -> `9pnet_virtio`. */
export function moduleName(path: string): string {
  return path.split('/').at(-1)!.replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/**
 * The module paths to insert, dependencies first, each once, for `names` (in that order).
 * Names missing from modules.dep (built in, or absent) are returned in `missing`; the caller
 * decides whether that matters (for built-in modules it does not).
 */
export function insmodOrder(deps: ModulesDep, names: readonly string[]): { paths: string[]; missing: string[] } {
  const byName = new Map<string, string>();
  for (const path of deps.keys()) byName.set(moduleName(path), path);
  const paths: string[] = [];
  const missing: string[] = [];
  const visit = (path: string, seen: Set<string>) => {
    if (paths.includes(path) || seen.has(path)) return;
    seen.add(path);
    // depmod lists dependencies so that the last one must be loaded first.
    for (const dep of [...(deps.get(path) ?? [])].reverse()) visit(dep, seen);
    paths.push(path);
  };
  for (const name of names) {
    const path = byName.get(name.replace(/-/g, '_'));
    if (path === undefined) missing.push(name);
    else visit(path, new Set());
  }
  return { paths, missing };
}
