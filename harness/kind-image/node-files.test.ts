import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KUBEADM_PATCHES_DIR, nodeFiles, probePatch, REAL_KUBEADM, STATIC_POD_TARGETS } from './node-files.js';

const files = nodeFiles({ k8sVersion: 'v1.20.2', sandboxImage: 'k8s.gcr.io/pause:3.4', workerImages: ['pause', 'kube-proxy'] });

describe('the kubeadm wrapper and its probe patches', () => {
  it('one strategic patch per static pod, naming its container; only the apiserver gets a readiness patch', () => {
    for (const t of STATIC_POD_TARGETS) {
      const f = files[`${KUBEADM_PATCHES_DIR}/${t}+strategic.yaml`];
      expect(f, t).toBeDefined();
      const doc = parse(f!.content) as { spec: { containers: Record<string, unknown>[] } };
      expect(doc.spec.containers).toHaveLength(1);
      const c = doc.spec.containers[0]!;
      expect(c.name).toBe(t);
      expect(c.livenessProbe).toEqual({ periodSeconds: 30, timeoutSeconds: 60, failureThreshold: 20 });
      expect(c.startupProbe).toEqual({ timeoutSeconds: 60 });
      expect('readinessProbe' in c).toBe(t === 'kube-apiserver');
    }
    expect(probePatch('etcd')).not.toContain('readinessProbe');
  });

  it('the wrapper (run by sh) adds the patches to init only and passes every other argument through', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-kubeadm-wrapper-'));
    try {
      const fake = join(dir, 'real');
      writeFileSync(fake, '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n');
      chmodSync(fake, 0o755);
      const wrapper = join(dir, 'kubeadm');
      writeFileSync(wrapper, files['/usr/bin/kubeadm']!.content.replaceAll(REAL_KUBEADM, fake));
      chmodSync(wrapper, 0o755);
      const run = (...args: string[]) => execFileSync(wrapper, args, { encoding: 'utf8' }).trim().split('\n');
      expect(run('init', '--config=/kind/kubeadm.conf', '--skip-token-print', '--v=6')).toEqual(['init', `--experimental-patches=${KUBEADM_PATCHES_DIR}`, '--config=/kind/kubeadm.conf', '--skip-token-print', '--v=6']);
      expect(run('join', '--config', '/kind/kubeadm.conf', 'a b')).toEqual(['join', '--config', '/kind/kubeadm.conf', 'a b']);
      expect(run('version', '-o', 'short')).toEqual(['version', '-o', 'short']);
      expect(readFileSync(wrapper, 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
      expect(files['/usr/bin/kubeadm']!.mode).toBe(0o755);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
