import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../exec/fake-runner.js';
import { findRootfs, removeStaleRootfsBuilds, rootfsCacheRoot, ROOTFS_JSON_SCHEMA } from './rootfs-cache.js';
import { debootstrapArgv, rootfsKey, rootfsSpec } from './rootfs-spec.js';
import { tempDir } from '../../../test/helpers/temp-dir.js';

describe('rootfs recipe and key', () => {
  it('systemd and sysvinit differ; the key is stable and <suite>-<12 hex>', () => {
    const a = rootfsSpec('systemd');
    expect(a.include).toEqual(['iptables', 'kmod', 'procps', 'systemd-sysv', 'udev']);
    expect(rootfsKey(a)).toMatch(/^bookworm-[0-9a-f]{12}$/);
    expect(rootfsKey(a)).toBe(rootfsKey(rootfsSpec('systemd')));
    expect(rootfsKey(a)).not.toBe(rootfsKey(rootfsSpec('sysvinit')));
  });
  it('debootstrap argv', () => {
    expect(debootstrapArgv(rootfsSpec('sysvinit'), '/t/rootfs', 'http://mirror.example/debian')).toEqual([
      'debootstrap',
      '--variant=minbase',
      '--include=iptables,kmod,procps,sysvinit-core,udev',
      'bookworm',
      '/t/rootfs',
      'http://mirror.example/debian',
    ]);
  });
});

describe('rootfs cache', () => {
  it('lives under $XDG_CACHE_HOME/resetlab/rootfs, else ~/.cache', () => {
    expect(rootfsCacheRoot({ XDG_CACHE_HOME: '/x' })).toBe('/x/resetlab/rootfs');
    expect(rootfsCacheRoot({ HOME: '/home/u' })).toBe('/home/u/.cache/resetlab/rootfs');
  });
  it('finds a folder only when rootfs.json is valid and the tree has /sbin/init', () => {
    const root = tempDir('rl-rootfs-');
    const spec = rootfsSpec('systemd');
    const dir = join(root, rootfsKey(spec));
    expect(findRootfs(root, spec)).toBeNull();
    mkdirSync(join(dir, 'rootfs', 'sbin'), { recursive: true });
    writeFileSync(join(dir, 'rootfs.json'), JSON.stringify({ schema: ROOTFS_JSON_SCHEMA, ...spec, sizeBytes: 1 }));
    expect(findRootfs(root, spec)).toBeNull();
    writeFileSync(join(dir, 'rootfs', 'sbin', 'init'), '');
    expect(findRootfs(root, spec)).toMatchObject({ tree: join(dir, 'rootfs'), built: false });
  });
});

describe('removeStaleRootfsBuilds', () => {
  it("removes unfinished builds of dead runs only, never a finished rootfs", async () => {
    const root = tempDir('rl-rootfs-');
    mkdirSync(join(root, '.tmp-bookworm-0123456789ab-rl-dead00'));
    mkdirSync(join(root, 'bookworm-0123456789ab'));
    mkdirSync(join(root, 'locks'));
    const runner = new FakeRunner();
    const removed = await removeStaleRootfsBuilds(runner, root);
    expect(removed).toEqual([join(root, '.tmp-bookworm-0123456789ab-rl-dead00')]);
    expect(runner.lines).toEqual([`rm -rf --one-file-system ${removed[0]}`]);
  });
});
