/**
 * Which Debian package a spec means (pure). Kernel images are the plain amd64 flavour
 * `linux-image-<release>` (signed); cloud, rt, debug and unsigned flavours are left out of
 * series and version matching. The newest version wins (Debian ordering); a version served
 * by several suites keeps the first suite apt lists.
 */
import type { KernelSpec } from './artefact.js';
import { exactDependencies, type MadisonRow } from './apt-output.js';
import { compareDebianVersions } from './debian-version.js';

/** True for `linux-image-6.1.0-56-amd64`, `linux-image-6.12.117+deb13-amd64`; false for cloud/rt/dbg/unsigned and meta packages. */
export function isPlainImage(name: string): boolean {
  return /^linux-image-\d+\.\d+\.\d+[0-9A-Za-z.+~-]*-amd64$/.test(name) && !/-(cloud|rt)-amd64$/.test(name);
}

/** The `uname -r` a kernel image package installs: its name without `linux-image-` (and `-unsigned`). */
export function releaseOf(packageName: string): string {
  return packageName.replace(/^linux-image-/, '').replace(/-unsigned$/, '');
}

/** The series ("6.1") of a package version ("6.1.192-2"), or null. */
export function seriesOf(version: string): string | null {
  return /^(?:\d+:)?(\d+\.\d+)(?:[.-]|$)/.exec(version)?.[1] ?? null;
}

/** A chosen package: name, version and the suite that serves it. */
export interface Candidate {
  name: string;
  version: string;
  suite: string;
}

/** The newest row first; equal versions keep their input order (apt's suite order). */
export function newestFirst<T extends { version: string }>(rows: T[]): T[] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => compareDebianVersions(b.row.version, a.row.version) || a.i - b.i)
    .map((x) => x.row);
}

/**
 * Picks the package for a Debian spec from madison rows, or null when nothing matches.
 * series: newest plain image whose version is in the series; package version: the plain
 * image with exactly that version; package name: the newest version of that package.
 */
export function pickCandidate(spec: Exclude<KernelSpec, { kind: 'path' }>, rows: MadisonRow[]): Candidate | null {
  let matching: MadisonRow[];
  if (spec.kind === 'series') matching = rows.filter((r) => isPlainImage(r.name) && seriesOf(r.version) === spec.series);
  else if (spec.version.startsWith('linux-image-')) matching = rows.filter((r) => r.name === spec.version);
  else matching = rows.filter((r) => isPlainImage(r.name) && r.version === spec.version);
  const best = newestFirst(matching)[0];
  return best ? { name: best.name, version: best.version, suite: best.suite } : null;
}

/** The series served by these rows (plain images), oldest first: for "available: ..." messages. */
export function availableSeries(rows: MadisonRow[]): string[] {
  const series = new Set(rows.filter((r) => isPlainImage(r.name)).map((r) => seriesOf(r.version)).filter((s): s is string => s !== null));
  return [...series].sort((a, b) => compareDebianVersions(a, b));
}

/**
 * The packages that make up a kernel image: the image itself plus, when the image is a split
 * one (sid from 7.x: an empty `linux-image-REL` depending on `linux-binary-REL` and
 * `linux-modules-REL`), the pinned dependencies whose names carry the release. Generic
 * dependencies (kmod, linux-base, initramfs tools) are not part of it.
 */
export function imageParts(image: { name: string; version: string; depends: string }): { name: string; version: string }[] {
  const release = releaseOf(image.name);
  const parts = exactDependencies(image.depends).filter((d) => d.name.startsWith('linux-') && d.name.endsWith(`-${release}`));
  return [{ name: image.name, version: image.version }, ...parts];
}
