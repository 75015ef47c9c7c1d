/**
 * What the Kubernetes build cache takes from Debian (pure): the pinned source and tool
 * packages, the private sources.list that reaches them, and the parser of `apt-cache showsrc`
 * stanzas (the Sources index: `Checksums-Sha256` lists every file of a source package).
 * Facts: /work/shared/KNOWLEDGE.md §5 "Kubernetes binaries (tried by hand)".
 */
import { parseStanzas } from '../kernels/apt-output.js';

/** A binary package pinned to one version of one suite. */
export interface PinnedPackage {
  name: string;
  version: string;
  suite: string;
}

/**
 * The Kubernetes versions resetlab can build from Debian's source, by their upstream tag.
 * bookworm's `kubernetes` source package is upstream v1.20.2 with `vendor/` (the "+really"
 * version); its Debian patches touch only kubectl's printing (CVE-2021-25743), so the build
 * uses the upstream tree of the orig tarball unchanged.
 */
export const DEBIAN_BUILDS: Record<string, { source: PinnedPackage; go: PinnedPackage[]; goRoot: string }> = {
  'v1.20.2': {
    source: { name: 'kubernetes', version: '1.20.5+really1.20.2-1.1+deb12u1', suite: 'bookworm' },
    go: [
      { name: 'golang-1.15-go', version: '1.15.15-1~deb11u4', suite: 'bullseye' },
      { name: 'golang-1.15-src', version: '1.15.15-1~deb11u4', suite: 'bullseye' },
    ],
    goRoot: 'usr/lib/go-1.15',
  },
};

/** etcd for the lab's control plane: bookworm's etcd-server (extracted, never installed: the package starts a service). */
export const ETCD_PACKAGE: PinnedPackage = { name: 'etcd-server', version: '3.4.23-4+b4', suite: 'bookworm' };
/** kind, which creates the clusters in a guest (the vm driver hosting the kind driver); sid only. */
export const KIND_PACKAGE: PinnedPackage = { name: 'kind', version: '0.33.0-1', suite: 'sid' };
/** rsync, which `make generated_files` of v1.20 needs (hack/lib/golang.sh); extracted, not installed. */
export const RSYNC_PACKAGE: PinnedPackage = { name: 'rsync', version: '3.2.7-1+deb12u6', suite: 'bookworm' };

/**
 * The private sources.list of the Kubernetes cache: bookworm's source indexes (deb-src; the
 * kubernetes package lives in bookworm main, point releases in -updates, fixes in -security)
 * and the amd64 Packages indexes of bullseye (Go 1.15), bookworm (etcd, rsync) and sid (kind).
 */
export function kubernetesSourcesList(mirrors: { archive: string; security?: string }): string {
  const src = '[targets=Sources]';
  const bin = '[arch=amd64 targets=Packages]';
  const lines = [
    `deb-src ${src} ${mirrors.archive} bookworm main`,
    `deb-src ${src} ${mirrors.archive} bookworm-updates main`,
    `deb ${bin} ${mirrors.archive} bullseye main`,
    `deb ${bin} ${mirrors.archive} bookworm main`,
    // kind (0.33) is packaged only in sid; its Go binary runs on bookworm (libc6 >= 2.34).
    `deb ${bin} ${mirrors.archive} sid main`,
  ];
  if (mirrors.security) lines.push(`deb-src ${src} ${mirrors.security} bookworm-security main`);
  return lines.join('\n') + '\n';
}

/** One file of a source package as the Sources index lists it. */
export interface SourceFile {
  name: string;
  size: number;
  sha256: string;
}

/** A source package's record from the Sources index. */
export interface SourceRecord {
  name: string;
  version: string;
  files: SourceFile[];
}

/** Parses `apt-cache showsrc` output; stanzas without Package/Version/Checksums-Sha256 are skipped. */
export function parseSourceRecords(text: string): SourceRecord[] {
  const out: SourceRecord[] = [];
  for (const s of parseStanzas(text)) {
    const sums = s['Checksums-Sha256'];
    if (!s.Package || !s.Version || !sums) continue;
    const files: SourceFile[] = [];
    for (const line of sums.split('\n')) {
      const m = /^([0-9a-f]{64})\s+(\d+)\s+(\S+)$/.exec(line.trim());
      if (m) files.push({ sha256: m[1]!, size: Number(m[2]), name: m[3]! });
    }
    if (files.length > 0) out.push({ name: s.Package, version: s.Version, files });
  }
  return out;
}

/** The upstream orig tarball among a source package's files. */
export function origTarball(record: SourceRecord): SourceFile | undefined {
  return record.files.find((f) => /\.orig\.tar\.(gz|xz|bz2)$/.test(f.name));
}
