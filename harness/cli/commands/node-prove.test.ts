import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../repo-root.js';
import { validateProve } from './node-prove.js';

describe('validateProve', () => {
  it('defaults: kernel 6.1, systemd, ipvs, 600 s, the default node configuration', () => {
    expect(validateProve({})).toEqual({ kernel: { kind: 'series', series: '6.1' }, config: { kind: 'default' }, init: 'systemd', proxyMode: 'ipvs', bootTimeoutMs: 600_000, accel: 'auto' });
  });
  it('takes a node root and a kernel path with its modules', () => {
    const v = validateProve({ root: join(REPO_ROOT, 'test/fixtures/nodes/late-module'), kernel: '/k/vmlinuz', modules: '/k/lib/modules/6.1.0-56-amd64', init: 'sysvinit', proxyMode: 'iptables' });
    expect(v).toMatchObject({ kernel: { kind: 'path', vmlinuz: '/k/vmlinuz' }, config: { kind: 'root' }, init: 'sysvinit', proxyMode: 'iptables' });
  });
  it('lists every problem at once, as file: field: message', () => {
    const problems = validateProve({ kernel: '/k/vmlinuz', init: 'openrc', proxyMode: 'nft', bootTimeout: 'soon', root: '/nonexistent' });
    expect(Array.isArray(problems) && problems.map((p) => p.field)).toEqual(['--modules', '--init', '--proxy-mode', '--boot-timeout', '--root']);
  });
});
