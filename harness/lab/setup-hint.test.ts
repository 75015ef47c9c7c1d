import { describe, expect, it } from 'vitest';
import { renderDrivers } from '../cli/commands/doctor.js';
import { kindReadiness } from './kind/preconditions.js';
import { aptCommand, setupHint } from './setup-hint.js';
import { vmReadiness } from './vm/preconditions.js';

describe('set-up hints', () => {
  it('name npm run setup first, then the apt command', () => {
    expect(setupHint(['qemu-system-x86', 'busybox-static', 'qemu-system-x86'])).toBe(
      'run `npm run setup` as root (or: `apt-get install -y --no-install-recommends qemu-system-x86 busybox-static`)');
    expect(aptCommand(['kmod'])).toBe('apt-get install -y --no-install-recommends kmod');
  });

  it('the vm driver missing qemu and busybox: npm run setup, with the packages', () => {
    const r = vmReadiness([{ what: 'qemu-system-x86_64', pkg: 'qemu-system-x86' }, { what: 'a static busybox', pkg: 'busybox-static' }]);
    expect(r).toEqual({ ready: false, missing: ['qemu-system-x86_64', 'a static busybox'],
      fix: 'run `npm run setup` as root (or: `apt-get install -y --no-install-recommends qemu-system-x86 busybox-static`)' });
    expect(vmReadiness([{ what: 'root (the guest mounts the host root over 9p)' }]).fix).toBe('run resetlab as root');
    expect(vmReadiness([])).toEqual({ ready: true, missing: [], fix: null });
  });

  it('kind: says that npm run setup does not install Docker or kind', () => {
    expect(kindReadiness(['the kind binary']).fix).toMatch(/docker\.io.*kind.*npm run setup` does not/);
    expect(kindReadiness([]).ready).toBe(true);
  });

  it('doctor lists each driver ready or not, with the one command', () => {
    const text = renderDrivers([
      { driver: 'netns', ready: true, missing: [], fix: null },
      { driver: 'vm', ...vmReadiness([{ what: 'qemu-system-x86_64', pkg: 'qemu-system-x86' }]) },
    ]);
    expect(text).toBe('Drivers:\n  ready      netns\n  not ready  vm     needs qemu-system-x86_64: run `npm run setup` as root (or: `apt-get install -y --no-install-recommends qemu-system-x86`)\n');
  });
});
