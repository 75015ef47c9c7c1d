/**
 * Parsers of apt-cache output (pure): `search` lines, `madison` rows and `show` stanzas
 * (the Packages index format: `Field: value`, continuation lines start with a space,
 * stanzas separated by blank lines). Tested on captured output in test/fixtures/kernels/.
 */

/** One `apt-cache search` hit. */
export interface SearchHit {
  name: string;
  description: string;
}

/** Parses `apt-cache search` output: `name - description` per line. */
export function parseAptSearch(text: string): SearchHit[] {
  const hits: SearchHit[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+) - (.*)$/.exec(line.trimEnd());
    if (m) hits.push({ name: m[1]!, description: m[2]! });
  }
  return hits;
}

/** One `apt-cache madison` row: a package version as one archive suite serves it. */
export interface MadisonRow {
  name: string;
  version: string;
  /** The archive's base URI, e.g. the mirror's `/debian-security`. */
  uri: string;
  /** The suite, e.g. `bookworm-security`. */
  suite: string;
  component: string;
}

/** Parses `apt-cache madison` output (`name | version | URI suite/component arch Packages`); other lines are skipped. */
export function parseAptMadison(text: string): MadisonRow[] {
  const rows: MadisonRow[] = [];
  for (const line of text.split('\n')) {
    const cols = line.split('|').map((c) => c.trim());
    if (cols.length !== 3) continue;
    const m = /^(\S+)\s+([^/\s]+)\/(\S+)\s+\S+\s+Packages$/.exec(cols[2]!);
    if (!m) continue;
    rows.push({ name: cols[0]!, version: cols[1]!, uri: m[1]!, suite: m[2]!, component: m[3]! });
  }
  return rows;
}

/** A Packages stanza: field names as written (case kept), values with continuation lines joined by "\n". */
export type Stanza = Record<string, string>;

/** Parses stanzas (apt-cache show, Packages files, deb822 .sources). `#` comment lines are skipped. */
export function parseStanzas(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza | null = null;
  let last: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      if (current) stanzas.push(current);
      current = null;
      last = null;
      continue;
    }
    if (line.startsWith('#')) continue;
    if (/^[ \t]/.test(line)) {
      if (current && last !== null) current[last] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    current ??= {};
    last = line.slice(0, colon).trim();
    current[last] = line.slice(colon + 1).trim();
  }
  if (current) stanzas.push(current);
  return stanzas;
}

/** What the kernel cache needs from one package stanza. */
export interface PackageRecord {
  name: string;
  version: string;
  /** Path of the .deb below the archive's base URI. */
  filename: string;
  size: number;
  sha256: string;
  /** The Depends field as written ("" when absent). */
  depends: string;
}

/** Picks the package records out of stanzas; stanzas without Package/Version/Filename/SHA256 are skipped. */
export function packageRecords(stanzas: Stanza[]): PackageRecord[] {
  const out: PackageRecord[] = [];
  for (const s of stanzas) {
    const { Package: name, Version: version, Filename: filename, SHA256: sha256 } = s;
    if (!name || !version || !filename || !sha256 || !/^[0-9a-f]{64}$/.test(sha256)) continue;
    out.push({ name, version, filename, size: Number(s.Size ?? NaN), sha256, depends: s.Depends ?? '' });
  }
  return out;
}

/** One dependency pinned to an exact version: `name (= version)`. */
export interface ExactDependency {
  name: string;
  version: string;
}

/**
 * The dependencies of a Depends field that are pinned with `(= version)` and are not part of
 * an alternative (`a | b`): e.g. sid's split kernel, where `linux-image-REL` is empty and
 * pulls `linux-binary-REL (= V)` and `linux-modules-REL (= V)`.
 */
export function exactDependencies(depends: string): ExactDependency[] {
  const out: ExactDependency[] = [];
  for (const clause of depends.split(',')) {
    if (clause.includes('|')) continue;
    const m = /^\s*([a-z0-9][a-z0-9+.-]*)(?::\S+)?\s*\(\s*=\s*([^)\s]+)\s*\)\s*$/.exec(clause);
    if (m) out.push({ name: m[1]!, version: m[2]! });
  }
  return out;
}
