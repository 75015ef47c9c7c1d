import { describe, expect, it } from 'vitest';
import { BUILT_BINARIES, missingBinaries, NODE_BINARIES, pauseTag, staleEntry, versionArgv, versionLdflags } from './build.js';

/** A cached entry holding `names`; `ldflags` null: none recorded (an entry from before the stamping fix). */
const rec = (names: string[], ldflags: string | null = versionLdflags('v1.20.2'), kind = 'debian-source') =>
  ({ version: 'v1.20.2', source: { kind }, ...(ldflags === null ? {} : { ldflags }), binaries: Object.fromEntries(names.map((n) => [n, { path: `bin/${n}`, sizeBytes: 1, sha256: 'x', versionOutput: 'v' }])) }) as never;

describe('what a build adds', () => {
  it('builds everything asked for when nothing is cached, the lab binaries always', () => {
    expect(missingBinaries(undefined, BUILT_BINARIES)).toEqual(['kube-proxy', 'kube-apiserver']);
    expect(missingBinaries(undefined, ['kubelet'])).toEqual(['kube-proxy', 'kube-apiserver', 'kubelet']);
  });
  it('builds only what a cached entry lacks', () => {
    expect(missingBinaries(rec(['kube-proxy', 'kube-apiserver']), BUILT_BINARIES)).toEqual([]);
    expect(missingBinaries(rec(['kube-proxy', 'kube-apiserver']), NODE_BINARIES)).toEqual([...NODE_BINARIES]);
    expect(missingBinaries(rec(['kube-proxy', 'kube-apiserver', 'kubelet', 'kubeadm']), NODE_BINARIES)).toEqual(['kubectl', 'kube-controller-manager', 'kube-scheduler', 'pause']);
  });
  it('asks each binary its version the way it answers', () => {
    expect(versionArgv('bin/kubeadm')).toEqual(['version', '-o', 'short']);
    expect(versionArgv('kubectl')).toEqual(['version', '--client', '--short']);
    expect(versionArgv('bin/pause')).toEqual(['-v']);
    expect(versionArgv('bin/kubelet')).toEqual(['--version']);
  });
  it("reads the pause tag from the tree's Makefile (v1.20.2: TAG = 3.4)", () => {
    expect(pauseTag('.PHONY: all\n\nREGISTRY ?= k8s.gcr.io\nTAG = 3.4\nREV = $(shell git describe)\n')).toBe('3.4');
    expect(() => pauseTag('REGISTRY = x\n')).toThrow(/no TAG line/);
  });
  it('stamps both version packages as hack/lib/version.sh does (the API server serves client-go\'s)', () => {
    const f = versionLdflags('v1.20.2');
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'])
      for (const kv of ['gitVersion=v1.20.2', 'gitMajor=1', 'gitMinor=20', 'gitTreeState=archive']) expect(f).toContain(`-X ${pkg}.${kv}`);
    expect(f.startsWith('-s -w ')).toBe(true);
    expect(() => versionLdflags('1.20')).toThrow(/not vMAJOR/);
  });
  it('rebuilds every binary of an entry linked with other stamps, keeps release downloads', () => {
    const old = rec(['kube-proxy', 'kube-apiserver', 'kubelet'], null);
    expect(staleEntry(old)).toBe(true);
    expect(missingBinaries(old, BUILT_BINARIES)).toEqual(['kube-proxy', 'kube-apiserver', 'kubelet']);
    expect(missingBinaries(old, ['kubeadm'])).toEqual(['kube-proxy', 'kube-apiserver', 'kubeadm', 'kubelet']);
    expect(staleEntry(rec(['kube-proxy'], '-s -w -X k8s.io/component-base/version.gitVersion=v1.20.2'))).toBe(true);
    expect(staleEntry(rec(['kube-proxy']))).toBe(false);
    expect(staleEntry(rec(['kube-proxy'], null, 'release'))).toBe(false);
  });
});
