import { describe, expect, it } from 'vitest';
import { BUILT_BINARIES, missingBinaries, NODE_BINARIES, pauseTag, versionArgv } from './build.js';

const rec = (names: string[]) => ({ binaries: Object.fromEntries(names.map((n) => [n, { path: `bin/${n}`, sizeBytes: 1, sha256: 'x', versionOutput: 'v' }])) }) as never;

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
});
