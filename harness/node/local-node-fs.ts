/**
 * `LocalNodeFs`: a `NodeFs` over a directory on this machine, treated as the node's `/`.
 * Symlinks are resolved inside the root as a chroot would (absolute targets start at the
 * root, `..` stops there), so a mounted image's `/lib -> usr/lib` or `/etc/... -> /usr/...`
 * links work and never escape to the host's own files. A link to /dev/null reads as empty
 * (how systemd masks units).
 */
import { lstat, readFile, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeFs } from './node-fs.js';

const MAX_LINKS = 40;
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);

function isAbsent(error: unknown): boolean {
  return ABSENT.has((error as NodeJS.ErrnoException).code ?? '');
}

/** Reads a node's files under `root` (`/` for this machine). Read-only; nothing to clean up. */
export class LocalNodeFs implements NodeFs {
  readonly label: string;
  constructor(readonly root: string) {
    this.label = root;
  }

  /** Resolves `path` inside the root to its components, or null when a component is missing or links loop. */
  private async resolve(path: string): Promise<string[] | null> {
    const done: string[] = [];
    const todo = path.split('/').filter((p) => p !== '' && p !== '.');
    let links = 0;
    while (todo.length > 0) {
      const part = todo.shift()!;
      if (part === '..') {
        done.pop();
        continue;
      }
      if (done.length === 0 && part === 'dev' && todo.length === 1 && todo[0] === 'null') return ['dev', 'null'];
      const host = join(this.root, ...done, part);
      let info;
      try {
        info = await lstat(host);
      } catch (error) {
        if (isAbsent(error)) return null;
        throw error;
      }
      if (!info.isSymbolicLink()) {
        done.push(part);
        continue;
      }
      if (++links > MAX_LINKS) return null;
      const target = await readlink(host);
      if (target.startsWith('/')) done.length = 0;
      todo.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
    }
    return done;
  }

  private async hostPath(path: string): Promise<string | null> {
    const parts = await this.resolve(path);
    return parts === null ? null : join(this.root, ...parts);
  }

  async readFile(path: string): Promise<string | null> {
    const parts = await this.resolve(path);
    if (parts === null) return null;
    if (parts.join('/') === 'dev/null') return '';
    try {
      return await readFile(join(this.root, ...parts), 'utf8');
    } catch (error) {
      if (isAbsent(error) || (error as NodeJS.ErrnoException).code === 'EISDIR') return null;
      throw new Error(`failed to read ${path} under ${this.root}: ${(error as Error).message}`, { cause: error });
    }
  }

  async listDir(path: string): Promise<string[] | null> {
    const host = await this.hostPath(path);
    if (host === null) return null;
    try {
      return await readdir(host);
    } catch (error) {
      if (isAbsent(error)) return null;
      throw new Error(`failed to list ${path} under ${this.root}: ${(error as Error).message}`, { cause: error });
    }
  }

  async exists(path: string): Promise<boolean> {
    const parts = await this.resolve(path);
    if (parts === null) return false;
    if (parts.join('/') === 'dev/null') return true;
    return stat(join(this.root, ...parts)).then(
      () => true,
      () => false,
    );
  }
}
