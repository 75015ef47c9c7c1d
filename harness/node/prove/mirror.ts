/**
 * The Debian archive debootstrap builds the rootfs from: `RESETLAB_DEBIAN_MIRROR`, else the
 * Debian archive the host's own apt configuration names (read only; parsed by the kernel
 * cache's apt-sources.ts). No mirror is written into the code. UnsupportedError (exit 2)
 * when none is found.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnsupportedError } from '../../errors.js';
import { debianMirrors, parseDeb822Sources, parseSourcesList, type SourceEntry } from '../../kernels/apt-sources.js';

/** Env variable overriding the archive (shared with the kernel cache). */
export const MIRROR_ENV = 'RESETLAB_DEBIAN_MIRROR';

/** The archive base URI to debootstrap from. */
export function debootstrapMirror(env: NodeJS.ProcessEnv = process.env, etcApt = '/etc/apt'): string {
  const override = env[MIRROR_ENV]?.trim().replace(/\/+$/, '');
  if (override) return override;
  const entries: SourceEntry[] = [];
  const read = (file: string, parse: (t: string) => SourceEntry[]) => {
    try {
      entries.push(...parse(readFileSync(file, 'utf8')));
    } catch {
      // missing: nothing from it
    }
  };
  read(join(etcApt, 'sources.list'), parseSourcesList);
  let names: string[] = [];
  try {
    names = readdirSync(join(etcApt, 'sources.list.d')).sort();
  } catch {
    // none
  }
  for (const n of names) {
    if (n.endsWith('.list')) read(join(etcApt, 'sources.list.d', n), parseSourcesList);
    if (n.endsWith('.sources')) read(join(etcApt, 'sources.list.d', n), parseDeb822Sources);
  }
  const archive = debianMirrors(entries).archive;
  if (!archive) throw new UnsupportedError(`failed to find a Debian archive in ${etcApt}/sources.list(.d): set ${MIRROR_ENV}`);
  return archive;
}
