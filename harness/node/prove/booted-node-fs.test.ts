import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../repo-root.js';
import { checkNode } from '../check.js';
import { BootedNodeFs } from './booted-node-fs.js';
import { tempDir } from '../../../test/helpers/temp-dir.js';

const NODES = join(REPO_ROOT, 'test/fixtures/nodes');
// The late-module fixture stands in for the rootfs (it has systemd's two units and sysctl.d files).
const ROOTFS = join(NODES, 'late-module');

function kernelModules(builtin: string): string {
  const d = tempDir('rl-mods-');
  writeFileSync(join(d, 'modules.builtin'), builtin);
  writeFileSync(join(d, 'modules.dep'), 'kernel/net/netfilter/nf_conntrack.ko:\n');
  return d;
}

describe('BootedNodeFs + node check: the prediction for the node a boot will run', () => {
  it('config paths come from the configuration, modules of the booted release from its folder, no /proc', async () => {
    const fs = new BootedNodeFs(join(NODES, 'module-listed'), ROOTFS, '6.1.0-56-amd64', kernelModules(''));
    expect(await fs.listDir('/etc/modules-load.d')).toEqual(expect.arrayContaining(['nf_conntrack.conf']));
    expect(await fs.listDir('/lib/modules')).toEqual(['6.1.0-56-amd64']);
    expect(await fs.readFile('/usr/lib/modules/6.1.0-56-amd64/modules.builtin')).toBe('');
    expect(await fs.readFile('/proc/modules')).toBeNull();
    expect(await fs.exists('/usr/lib/systemd/system/systemd-sysctl.service')).toBe(true);
  });
  it('module listed: survives; not listed: lost; built into the booted kernel: survives', async () => {
    const mods = kernelModules('');
    expect((await checkNode(new BootedNodeFs(join(NODES, 'module-listed'), ROOTFS, 'r', mods))).verdict.kind).toBe('survives');
    expect((await checkNode(new BootedNodeFs(join(NODES, 'late-module'), ROOTFS, 'r', mods))).verdict.kind).toBe('lost');
    const builtin = kernelModules('kernel/net/netfilter/nf_conntrack.ko\n');
    expect((await checkNode(new BootedNodeFs(join(NODES, 'late-module'), ROOTFS, 'r', builtin))).verdict.kind).toBe('survives');
  });
});
