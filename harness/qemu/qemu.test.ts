import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qemuArgv, type QemuMachine } from './argv.js';
import { ConsoleTail, cleanConsoleLine } from './console-tail.js';
import { writeCpio } from './cpio.js';
import { supervisedArgv } from './launch.js';
import { moduleLoadOrder, parseModulesDep } from './modules-dep.js';
import { findQemuProcesses, qemuNameOf } from './orphans.js';
import { parseQemuVersion } from './version.js';
import { tempDir } from '../../test/helpers/temp-dir.js';

const machine: QemuMachine = {
  name: 'rl-abc123-vm',
  accel: 'tcg',
  memoryMiB: 3072,
  cpus: 2,
  kernel: '/k/vmlinuz',
  initrd: '/run/x/initrd',
  append: 'console=ttyS0 panic=-1',
  shares: [
    { tag: 'hostroot', path: '/', readonly: true },
    { tag: 'rlout', path: '/run/x/out', readonly: false },
  ],
  pidfile: '/run/x/qemu.pid',
};

describe('qemuArgv', () => {
  it('never gives the guest a network device and shares folders over 9p', () => {
    const argv = qemuArgv(machine);
    expect(argv.slice(argv.indexOf('-nic'), argv.indexOf('-nic') + 2)).toEqual(['-nic', 'none']);
    expect(argv).toContain('-nodefaults');
    expect(argv.join(' ')).toContain('-accel tcg,thread=multi -cpu max -smp 2 -m 3072');
    expect(argv).toContain('local,path=/,mount_tag=hostroot,security_model=none,multidevs=remap,readonly=on');
    expect(argv).toContain('local,path=/run/x/out,mount_tag=rlout,security_model=none,multidevs=remap');
    expect(argv.slice(argv.indexOf('-pidfile'), argv.indexOf('-pidfile') + 2)).toEqual(['-pidfile', '/run/x/qemu.pid']);
  });
  it('uses the host CPU under KVM', () => {
    expect(qemuArgv({ ...machine, accel: 'kvm' }).join(' ')).toContain('-accel kvm -cpu host');
  });
  it.each([
    [{ name: 'bad name' }, /machine name/],
    [{ cpus: 0 }, /cpus/],
    [{ memoryMiB: 64 }, /memoryMiB/],
    [{ shares: [{ tag: 't', path: '/a,b', readonly: true }] }, /comma/],
  ])('rejects %j', (patch, message) => {
    expect(() => qemuArgv({ ...machine, ...patch })).toThrow(message);
  });
  it('wraps qemu in a parent-death signal when setpriv exists', () => {
    expect(supervisedArgv(machine, '/usr/bin/setpriv').slice(0, 5)).toEqual(['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', 'qemu-system-x86_64']);
    expect(supervisedArgv(machine, null)[0]).toBe('qemu-system-x86_64');
  });
});

describe('writeCpio', () => {
  it('writes newc members padded to 4 bytes and a trailer', () => {
    const out = writeCpio([{ type: 'dir', path: 'bin' }, { type: 'file', path: 'init', data: 'hi\n', mode: 0o755 }, { type: 'symlink', path: 'bin/sh', target: 'busybox' }]);
    const text = out.toString('latin1');
    expect(text.startsWith('070701')).toBe(true);
    expect(out.length % 4).toBe(0);
    expect(text).toContain('init\0');
    expect(text).toContain('hi\n');
    expect(text).toContain('TRAILER!!!\0');
    // mode field of the file member: regular file 0755
    const init = text.indexOf('init\0');
    const header = text.slice(text.lastIndexOf('070701', init), init);
    expect(header.slice(14, 22)).toBe((0o100755).toString(16).padStart(8, '0'));
  });
  it('rejects absolute paths', () => {
    expect(() => writeCpio([{ type: 'dir', path: '/bin' }])).toThrow(/relative/);
  });
});

describe('module load order', () => {
  const dep = parseModulesDep(
    [
      'kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
      'kernel/drivers/virtio/virtio_pci_legacy_dev.ko:',
      'kernel/drivers/virtio/virtio_pci_modern_dev.ko:',
      'kernel/drivers/virtio/virtio.ko:',
      'kernel/drivers/virtio/virtio_ring.ko:',
      'kernel/net/9p/9pnet_virtio.ko.xz: kernel/net/9p/9pnet.ko.xz kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
      'kernel/net/9p/9pnet.ko.xz:',
      'kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko.xz kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko',
      'kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko',
      'kernel/fs/netfs/netfs.ko:',
    ].join('\n'),
  );
  it('puts every dependency first, each once, and reports unknown names', () => {
    const { files, missing } = moduleLoadOrder(dep, ['virtio-pci', '9pnet_virtio', '9p', 'overlay']);
    expect(missing).toEqual(['overlay']);
    expect(new Set(files).size).toBe(files.length);
    const at = (f: string) => files.findIndex((x) => x.endsWith(f));
    expect(at('/virtio.ko')).toBeLessThan(at('/virtio_pci.ko'));
    expect(at('/9pnet.ko.xz')).toBeLessThan(at('/9pnet_virtio.ko.xz'));
    expect(at('/netfs.ko')).toBeLessThan(at('/fscache.ko'));
    expect(at('/fscache.ko')).toBeLessThan(at('/9p.ko'));
  });
});

describe('console lines', () => {
  it('splits chunks into clean lines and keeps a bounded tail', () => {
    const t = new ConsoleTail(2);
    expect(t.push('a\r\nb')).toEqual(['a']);
    expect(t.push('c\n\x1b[0mdone\n')).toEqual(['bc', 'done']);
    expect(t.push('tail')).toEqual([]);
    expect(t.flush()).toEqual(['tail']);
    expect(t.lines()).toEqual(['done', 'tail']);
    expect(cleanConsoleLine('\x1b[?25lx\x07')).toBe('x');
  });
});

describe('qemu processes', () => {
  it('recognises resetlab machine names in qemu argv', () => {
    expect(qemuNameOf(['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', 'qemu-system-x86_64', '-name', 'rl-abc123-vm'])).toBe('rl-abc123-vm');
    expect(qemuNameOf(['node', '-name', 'rl-abc123-vm'])).toBeNull();
  });
  it('finds them in a /proc-like folder', () => {
    const proc = tempDir('rl-proc-');
    for (const [pid, argv] of [['11', ['qemu-system-x86_64', '-name', 'rl-0a0b0c-vm']], ['12', ['qemu-system-x86_64', '-name', 'other']], ['13', ['bash']]] as const) {
      mkdirSync(join(proc, pid));
      writeFileSync(join(proc, pid, 'cmdline'), argv.join('\0') + '\0');
    }
    expect(findQemuProcesses(proc)).toEqual([{ pid: 11, name: 'rl-0a0b0c-vm', prefix: 'rl-0a0b0c' }]);
  });
  it('parses the version', () => {
    expect(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright')).toBe('7.2.22');
  });
});
