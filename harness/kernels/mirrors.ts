/**
 * Where Debian's kernel packages come from: the Debian archive and debian-security base URIs
 * of the host's own apt configuration (`/etc/apt/sources.list`, `sources.list.d/*.list` and
 * `*.sources`), read only, or the RESETLAB_DEBIAN_MIRROR / RESETLAB_DEBIAN_SECURITY_MIRROR
 * overrides. Throws UnsupportedError (exit 2) when no archive is found.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnsupportedError } from '../errors.js';
import { debianMirrors, parseDeb822Sources, parseSourcesList, type SourceEntry } from './apt-sources.js';

/** The mirrors a private apt configuration points at, and where each was found. */
export interface Mirrors {
  archive: string;
  /** Absent when neither the host nor the environment names one (security suites are then left out). */
  security?: string;
  /** Human-readable origin of each URI, for progress lines and doctor. */
  origin: { archive: string; security?: string };
}

/** Env variable overriding the Debian archive base URI. */
export const MIRROR_ENV = 'RESETLAB_DEBIAN_MIRROR';
/** Env variable overriding the debian-security base URI. */
export const SECURITY_MIRROR_ENV = 'RESETLAB_DEBIAN_SECURITY_MIRROR';

/** Every source entry of the apt configuration under `etcApt` (default /etc/apt), in apt's reading order. */
export function readHostSources(etcApt = '/etc/apt'): { file: string; entries: SourceEntry[] }[] {
  const out: { file: string; entries: SourceEntry[] }[] = [];
  const read = (file: string, parse: (text: string) => SourceEntry[]) => {
    try {
      out.push({ file, entries: parse(readFileSync(file, 'utf8')) });
    } catch {
      // missing or unreadable: nothing from this file
    }
  };
  read(join(etcApt, 'sources.list'), parseSourcesList);
  let parts: string[] = [];
  try {
    parts = readdirSync(join(etcApt, 'sources.list.d')).sort();
  } catch {
    // no sources.list.d
  }
  for (const name of parts) {
    if (name.endsWith('.list')) read(join(etcApt, 'sources.list.d', name), parseSourcesList);
    else if (name.endsWith('.sources')) read(join(etcApt, 'sources.list.d', name), parseDeb822Sources);
  }
  return out;
}

/**
 * Finds the mirrors: env overrides first, then the host's sources. When only the archive is
 * known and its path ends in `/debian`, the security archive is taken to be `<archive>-security`
 * (the archive's own layout). Throws UnsupportedError naming the files read when no archive is found.
 */
export function findMirrors(env: NodeJS.ProcessEnv = process.env, etcApt = '/etc/apt'): Mirrors {
  const files = readHostSources(etcApt);
  let archive: Mirrors['archive'] | undefined;
  let security: string | undefined;
  const origin: { archive?: string; security?: string } = {};
  const envArchive = env[MIRROR_ENV]?.trim().replace(/\/+$/, '');
  const envSecurity = env[SECURITY_MIRROR_ENV]?.trim().replace(/\/+$/, '');
  if (envArchive) [archive, origin.archive] = [envArchive, MIRROR_ENV];
  if (envSecurity) [security, origin.security] = [envSecurity, SECURITY_MIRROR_ENV];
  for (const { file, entries } of files) {
    const found = debianMirrors(entries);
    if (!archive && found.archive) [archive, origin.archive] = [found.archive, file];
    if (!security && found.security) [security, origin.security] = [found.security, file];
  }
  if (!archive) {
    const read = files.length > 0 ? files.map((f) => f.file).join(', ') : `nothing under ${etcApt}`;
    throw new UnsupportedError(
      `failed to find a Debian archive in the host's apt sources (read ${read}): set ${MIRROR_ENV}=<base URI of a Debian mirror> ` +
        `(and ${SECURITY_MIRROR_ENV} for its security archive), or pass --kernel /path/vmlinuz --modules /path/lib/modules/VERSION`,
    );
  }
  if (!security && /\/debian$/.test(archive)) [security, origin.security] = [`${archive}-security`, `derived from ${origin.archive}`];
  return { archive, security, origin: { archive: origin.archive!, security: origin.security } };
}
