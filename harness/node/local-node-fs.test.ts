import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalNodeFs } from './local-node-fs.js';

describe('LocalNodeFs', () => {
  let root = '';
  let outside = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rl-test-'));
    outside = await mkdtemp(join(tmpdir(), 'rl-test-'));
    await mkdir(join(root, 'usr/lib/sysctl.d'), { recursive: true });
    await mkdir(join(root, 'etc/sysctl.d'), { recursive: true });
    await mkdir(join(root, 'etc/systemd/system'), { recursive: true });
    await writeFile(join(root, 'usr/lib/sysctl.d/50-a.conf'), 'inside\n');
    await writeFile(join(outside, 'secret.conf'), 'host file\n');
    await writeFile(join(root, 'etc/sysctl.conf'), 'conf\n');
    await symlink('usr/lib', join(root, 'lib'));
    await symlink('/usr/lib/sysctl.d/50-a.conf', join(root, 'etc/sysctl.d/abs.conf'));
    await symlink('../../../../../../../etc/sysctl.conf', join(root, 'etc/sysctl.d/dotdot.conf'));
    await symlink(join(outside, 'secret.conf'), join(root, 'etc/sysctl.d/escape.conf'));
    await symlink('/dev/null', join(root, 'etc/systemd/system/masked.service'));
    await symlink('loop2', join(root, 'etc/loop1'));
    await symlink('loop1', join(root, 'etc/loop2'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('follows relative links inside the root (/lib -> usr/lib)', async () => {
    const fs = new LocalNodeFs(root);
    expect(await fs.readFile('/lib/sysctl.d/50-a.conf')).toBe('inside\n');
    expect(await fs.listDir('/lib/sysctl.d')).toEqual(['50-a.conf']);
  });

  it('resolves absolute link targets and .. against the root, never the host', async () => {
    const fs = new LocalNodeFs(root);
    expect(await fs.readFile('/etc/sysctl.d/abs.conf')).toBe('inside\n');
    expect(await fs.readFile('/etc/sysctl.d/dotdot.conf')).toBe('conf\n');
    expect(await fs.readFile('/etc/sysctl.d/escape.conf')).toBeNull();
    expect(await fs.exists('/etc/sysctl.d/escape.conf')).toBe(false);
  });

  it('reads a link to /dev/null as empty (a masked unit), even when the root has no /dev', async () => {
    const fs = new LocalNodeFs(root);
    expect(await fs.readFile('/etc/systemd/system/masked.service')).toBe('');
    expect(await fs.exists('/etc/systemd/system/masked.service')).toBe(true);
  });

  it('answers null/false for missing paths, directories read as files, and link loops', async () => {
    const fs = new LocalNodeFs(root);
    expect(await fs.readFile('/etc/nope')).toBeNull();
    expect(await fs.readFile('/etc/sysctl.d')).toBeNull();
    expect(await fs.listDir('/etc/nope')).toBeNull();
    expect(await fs.listDir('/etc/sysctl.conf')).toBeNull();
    expect(await fs.readFile('/etc/loop1')).toBeNull();
    expect(await fs.exists('/etc/sysctl.conf')).toBe(true);
  });
});
