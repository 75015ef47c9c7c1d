import { describe, expect, it } from 'vitest';
import { kubernetesSourcesList, origTarball, parseSourceRecords } from './debian.js';
import { parseKubeProxySpec } from './spec.js';

// Captured from `apt-cache showsrc kubernetes` (private apt of the cache, bookworm), trimmed.
const SHOWSRC = `Package: kubernetes
Binary: kubernetes-client, kubernetes-master, kubernetes-node
Version: 1.20.5+really1.20.2-1.1+deb12u1
Maintainer: Debian Go Packaging Team <team+pkg-go@tracker.debian.org>
Checksums-Sha256:
 19fa1da5aefcef673894ac9511986bd98a14410cf8eea0b626613c30df435257 1973 kubernetes_1.20.5+really1.20.2-1.1+deb12u1.dsc
 b83c0780efb182d928dc63d46488a847f161f04e40a94b96bf5247dd671ecdfc 34428927 kubernetes_1.20.5+really1.20.2.orig.tar.gz
 9b6e5fd41769d2b5badf2e73b274e3bcd90f85e13d06a1a4a845ccce018127d8 21300 kubernetes_1.20.5+really1.20.2-1.1+deb12u1.debian.tar.xz
Package-List: 
 kubernetes-client deb admin optional arch=all

`;

describe('parseSourceRecords', () => {
  it('reads every file with its sha256 and size', () => {
    const [r] = parseSourceRecords(SHOWSRC);
    expect(r?.version).toBe('1.20.5+really1.20.2-1.1+deb12u1');
    expect(r?.files).toHaveLength(3);
    expect(origTarball(r!)).toEqual({ name: 'kubernetes_1.20.5+really1.20.2.orig.tar.gz', size: 34428927, sha256: 'b83c0780efb182d928dc63d46488a847f161f04e40a94b96bf5247dd671ecdfc' });
  });
  it('skips stanzas without checksums', () => {
    expect(parseSourceRecords('Package: x\nVersion: 1\n')).toEqual([]);
  });
});

describe('kubernetesSourcesList', () => {
  it('has deb-src for bookworm and Packages for bullseye (Go 1.15)', () => {
    const text = kubernetesSourcesList({ archive: 'http://m/debian', security: 'http://m/debian-security' });
    expect(text).toContain('deb-src [targets=Sources] http://m/debian bookworm main');
    expect(text).toContain('deb [arch=amd64 targets=Packages] http://m/debian bullseye main');
    expect(text).toContain('http://m/debian-security bookworm-security main');
  });
});

describe('parseKubeProxySpec', () => {
  it.each([
    ['v1.20.2', { kind: 'debian', version: 'v1.20.2' }],
    ['./server/bin', { kind: 'dir', dir: './server/bin' }],
    ['/opt/k8s/server/bin', { kind: 'dir', dir: '/opt/k8s/server/bin' }],
  ])('%s', (value, spec) => {
    expect(parseKubeProxySpec(value)).toEqual({ spec, problems: [] });
  });
  it('takes another version as an official release download', () => {
    expect(parseKubeProxySpec('v1.31.0')).toEqual({ spec: { kind: 'release', version: 'v1.31.0' }, problems: [] });
  });
  it('refuses a word that is neither', () => {
    const r = parseKubeProxySpec('latest');
    expect(r.problems[0]?.field).toBe('--kube-proxy');
    expect(r.problems[0]?.message).toMatch(/v1\.20\.2.*vX\.Y\.Z.*server\/bin/);
  });
});
