/**
 * `BootedNodeFs`: the node `node prove` boots, as files, before it boots: the staged node
 * configuration over the cached rootfs, with the kernel's modules at
 * `/lib/modules/<release>` and `/usr/lib/modules/<release>`, and no /proc or /sys (not a
 * live system). `node check` runs on it, so the report can set the static prediction next to
 * what the boot showed. Read-only; nothing to clean up.
 */
import { LocalNodeFs } from '../local-node-fs.js';
import type { NodeFs } from '../node-fs.js';
import { NODE_CONFIG_PATHS } from './init-script.js';

/** Reads config paths from `configRoot`, module trees from `modulesDir`, the rest from `rootfs`. */
export class BootedNodeFs implements NodeFs {
  readonly label: string;
  private readonly config: LocalNodeFs;
  private readonly rootfs: LocalNodeFs;
  private readonly modules: LocalNodeFs;

  constructor(configRoot: string, rootfs: string, private readonly release: string, modulesDir: string) {
    this.label = 'the booted node (before boot)';
    this.config = new LocalNodeFs(configRoot);
    this.rootfs = new LocalNodeFs(rootfs);
    this.modules = new LocalNodeFs(modulesDir);
  }

  /** Which file system answers for `path`, and the path inside it. */
  private route(path: string): { fs: LocalNodeFs; path: string } | null {
    if (path === '/proc' || path.startsWith('/proc/') || path === '/sys' || path.startsWith('/sys/')) return null;
    if (NODE_CONFIG_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return { fs: this.config, path };
    for (const tree of ['/lib/modules', '/usr/lib/modules']) {
      const own = `${tree}/${this.release}`;
      if (path === own || path.startsWith(`${own}/`)) return { fs: this.modules, path: path.slice(own.length) || '/' };
    }
    return { fs: this.rootfs, path };
  }

  async readFile(path: string): Promise<string | null> {
    const r = this.route(path);
    return r ? r.fs.readFile(r.path) : null;
  }

  async listDir(path: string): Promise<string[] | null> {
    if (path === '/lib/modules' || path === '/usr/lib/modules') return [this.release];
    const r = this.route(path);
    return r ? r.fs.listDir(r.path) : null;
  }

  async exists(path: string): Promise<boolean> {
    const r = this.route(path);
    return r ? r.fs.exists(r.path) : false;
  }
}
