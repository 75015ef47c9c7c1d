/**
 * `--kube-proxy` values (pure): `v1.20.2` (built from Debian's source package), another
 * `vX.Y.Z` (the official release binaries, downloaded with their published checksums), or a folder
 * holding a user's release binaries (the `server/bin` of kubernetes-server-linux-amd64.tar.gz:
 * `kube-proxy` and `kube-apiserver`). Anything else is an input problem, listed with the
 * versions that can be built.
 */
import type { InputProblem } from '../errors.js';
import { DEBIAN_BUILDS } from './debian.js';

/** What the user asked for. */
export type KubeProxySpec = { kind: 'debian'; version: string } | { kind: 'release'; version: string } | { kind: 'dir'; dir: string };

/** Parses one `--kube-proxy` value; problems name the flag. */
export function parseKubeProxySpec(value: string, field = '--kube-proxy'): { spec?: KubeProxySpec; problems: InputProblem[] } {
  const v = value.trim();
  if (v.includes('/') || v === '.' || v === '..') return { spec: { kind: 'dir', dir: v }, problems: [] };
  if (DEBIAN_BUILDS[v]) return { spec: { kind: 'debian', version: v }, problems: [] };
  if (/^v\d+\.\d+\.\d+$/.test(v)) return { spec: { kind: 'release', version: v }, problems: [] };
  const known = Object.keys(DEBIAN_BUILDS).join(', ');
  const message = `"${v}" is neither a version (${known} built from Debian's source, or vX.Y.Z downloaded from the official releases) nor a folder path (a path must contain "/", e.g. ./server/bin)`;
  return { problems: [{ file: 'flags', field, message }] };
}
