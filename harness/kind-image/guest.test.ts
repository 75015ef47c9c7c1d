import { describe, expect, it } from 'vitest';
import { CGROUP_V1_CONTROLLERS, kindGuestPrelude } from './guest.js';

describe("the kind guest's prelude", () => {
  const s = kindGuestPrelude({ nodeTar: '/c/node.tar', nodeImage: 'resetlab.local/kind-node:v1.20.2-abc', pathDirs: ['/c/kind/bin', '/c/k8s/bin'], dockerSize: '9g', share: '/rl-out' });
  it('mounts cgroup v1 (the node then prints "detected cgroup v1", which kind waits 30 s for)', () => {
    expect(CGROUP_V1_CONTROLLERS).toContain('memory');
    expect(s).toContain('mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c');
    expect(s).toContain('mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd');
    expect(s).toContain('ln -s cpu,cpuacct /sys/fs/cgroup/cpu');
  });
  it("starts the guest's own dockerd on a tmpfs and imports the node image, each failure fatal with its reason", () => {
    expect(s).toContain('mount -t tmpfs -o size=9g tmpfs /var/lib/docker');
    expect(s).toContain('dockerd --data-root /var/lib/docker > /rl-out/dockerd.log');
    expect(s).toContain("'docker' 'import'");
    expect(s).toContain("'/c/node.tar' 'resetlab.local/kind-node:v1.20.2-abc-rootfs'");
    expect(s).toContain("docker build -q -t 'resetlab.local/kind-node:v1.20.2-abc' -");
    expect(s.match(/say "fatal=/g)?.length).toBeGreaterThanOrEqual(6);
    expect(s).toContain("export PATH='/c/kind/bin':'/c/k8s/bin':$PATH");
  });
  it('watches every 60 s: load and readyz always, top while kind runs or an API server is not ready, per-node execs only while kind runs', () => {
    expect(s).toContain('while sleep 60; do');
    expect(s).toContain('guest load=');
    expect(s).toContain(':6443/readyz');
    expect(s).toContain('guest top=');
    expect(s).toContain('readyz=200/*) ;; *) slow=1 ;;');
    expect(s).toContain('if [ $kr = 1 ] || [ $slow = 1 ]; then');
    const gate = s.indexOf('[ $kr = 1 ] || continue');
    expect(gate).toBeGreaterThan(s.indexOf('guest top='));
    expect(s.indexOf('kind-watch t=$(kt)s $n')).toBeGreaterThan(gate);
    expect(s).toMatch(/\) &\n/);
  });
});
