/**
 * Parsers of apt source lists (pure): one-line `.list` files and deb822 `.sources` files,
 * and `debianMirrors`, which picks the Debian archive and debian-security base URIs out of
 * them. No mirror is hard-coded anywhere: the kernel cache uses whatever the host's own apt
 * configuration points at (or the RESETLAB_DEBIAN_* overrides, see mirrors.ts).
 */
import { parseStanzas } from './apt-output.js';

/** One source entry (one-line form, or one deb822 stanza). */
export interface SourceEntry {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  enabled: boolean;
}

/** Parses a one-line sources.list (`deb [opts] URI suite comp...`); comments and blank lines skipped. */
export function parseSourcesList(text: string): SourceEntry[] {
  const out: SourceEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const withoutOpts = line.replace(/\[[^\]]*\]/, ' ');
    const [type, uri, suite, ...components] = withoutOpts.split(/\s+/).filter(Boolean);
    if (!type || !uri || !suite || (type !== 'deb' && type !== 'deb-src')) continue;
    out.push({ types: [type], uris: [uri], suites: [suite], components, enabled: true });
  }
  return out;
}

/** Parses a deb822 `.sources` file; stanzas without Types/URIs/Suites are skipped. */
export function parseDeb822Sources(text: string): SourceEntry[] {
  const words = (v: string | undefined) => (v ?? '').split(/\s+/).filter(Boolean);
  return parseStanzas(text)
    .map((s) => {
      const get = (field: string) => Object.entries(s).find(([k]) => k.toLowerCase() === field)?.[1];
      return {
        types: words(get('types')),
        uris: words(get('uris')),
        suites: words(get('suites')),
        components: words(get('components')),
        enabled: !/^(no|false|0)$/i.test((get('enabled') ?? 'yes').trim()),
      };
    })
    .filter((e) => e.types.length > 0 && e.uris.length > 0 && e.suites.length > 0);
}

const CODENAMES = 'jessie|stretch|buster|bullseye|bookworm|trixie|forky|duke|sid|stable|oldstable|oldoldstable|testing|unstable';
const ARCHIVE_SUITE = new RegExp(`^(${CODENAMES})(-updates|-backports|-backports-sloppy|-proposed-updates)?$`);
const SECURITY_SUITE = new RegExp(`^(${CODENAMES})(-security|/updates)$`);

/** The Debian archive and debian-security base URIs found (either may be missing). */
export interface DebianMirrors {
  archive?: string;
  security?: string;
}

/**
 * Picks the first enabled binary (`deb`) entry with a `main` component whose suite is a
 * Debian archive suite (bookworm, bookworm-updates, trixie, sid, ...) and the first whose
 * suite is a security suite (bookworm-security). Other vendors' entries (Ubuntu, third-party
 * repositories) never match. http(s) URIs only; a trailing slash is dropped.
 */
export function debianMirrors(entries: SourceEntry[]): DebianMirrors {
  const found: DebianMirrors = {};
  for (const e of entries) {
    if (!e.enabled || !e.types.includes('deb') || !e.components.includes('main')) continue;
    const uri = e.uris.find((u) => /^https?:\/\//.test(u))?.replace(/\/+$/, '');
    if (!uri) continue;
    if (!found.archive && e.suites.some((s) => ARCHIVE_SUITE.test(s))) found.archive = uri;
    if (!found.security && e.suites.some((s) => SECURITY_SUITE.test(s))) found.security = uri;
  }
  return found;
}

/** Suites of the Debian archive that carry the kernel series resetlab boots (5.10 ... 7.2). */
export const KERNEL_ARCHIVE_SUITES = ['bullseye', 'bookworm', 'bookworm-updates', 'bookworm-backports', 'trixie', 'trixie-updates', 'sid'] as const;
/** Suites of debian-security that carry newer builds of those series. */
export const KERNEL_SECURITY_SUITES = ['bullseye-security', 'bookworm-security', 'trixie-security'] as const;

/**
 * The private one-line sources.list of the kernel cache: main, amd64, Packages indexes only
 * (no translations, contents or AppStream data, whatever the host's apt.conf.d enables);
 * security suites only with a security URI.
 */
export function privateSourcesList(mirrors: { archive: string; security?: string }): string {
  const opts = '[arch=amd64 targets=Packages]';
  const lines = KERNEL_ARCHIVE_SUITES.map((s) => `deb ${opts} ${mirrors.archive} ${s} main`);
  if (mirrors.security) lines.push(...KERNEL_SECURITY_SUITES.map((s) => `deb ${opts} ${mirrors.security} ${s} main`));
  return lines.join('\n') + '\n';
}
