import { describe, expect, it } from 'vitest';
import { KIND_READY, kindNodeRunArgv, nodeCheckSteps } from './node-check.js';

describe('the node image check', () => {
  it("starts the node with kind 0.33's flags", () => {
    const argv = kindNodeRunArgv('n', 'img');
    for (const f of ['--privileged', '--cgroupns=private', '--tty', '--init=false']) expect(argv).toContain(f);
    expect(argv.join(' ')).toContain('--tmpfs /tmp --tmpfs /run --volume /var --volume /lib/modules:/lib/modules:ro');
    expect(argv.at(-1)).toBe('img');
  });
  it("accepts kind's readiness lines only", () => {
    expect(KIND_READY.test('INFO: detected cgroup v1')).toBe(true);
    expect(KIND_READY.test('[  OK  ] Reached target multi-user.target - Multi-User System.')).toBe(true);
    expect(KIND_READY.test('INFO: detected cgroup v2')).toBe(false);
  });
  it('checks in order: kind ready, containerd, images, kubelet waiting for kubeadm', () => {
    expect(nodeCheckSteps().map((s) => s.name)).toEqual(['kind-ready', 'containerd', 'images', 'kubelet-waits']);
  });
});
