import { describe, expect, it } from 'vitest';
import { buildCpio } from './cpio.js';

/** Reads newc records back (name, mode, data) to check the writer. */
function readCpio(buf: Buffer): { name: string; mode: number; data: string }[] {
  const out = [];
  let off = 0;
  for (;;) {
    const h = buf.subarray(off, off + 110).toString('ascii');
    expect(h.slice(0, 6)).toBe('070701');
    const field = (i: number) => parseInt(h.slice(6 + i * 8, 14 + i * 8), 16);
    const [mode, size, nameSize] = [field(1), field(6), field(11)];
    const name = buf.subarray(off + 110, off + 110 + nameSize - 1).toString();
    off += 110 + nameSize;
    off += (4 - (off % 4)) % 4;
    const data = buf.subarray(off, off + size).toString();
    off += size;
    off += (4 - (off % 4)) % 4;
    if (name === 'TRAILER!!!') break;
    out.push({ name, mode, data });
  }
  expect(off).toBe(buf.length);
  return out;
}

describe('buildCpio (newc)', () => {
  it('writes directories, files and symlinks with their modes, 4-byte aligned, and a trailer', () => {
    const buf = buildCpio([
      { kind: 'dir', path: '/bin' },
      { kind: 'file', path: 'init', data: '#!/bin/sh\n', mode: 0o755 },
      { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
      { kind: 'file', path: 'a', data: Buffer.from('xyz') },
    ]);
    expect(readCpio(buf)).toEqual([
      { name: 'bin', mode: 0o040755, data: '' },
      { name: 'init', mode: 0o100755, data: '#!/bin/sh\n' },
      { name: 'bin/sh', mode: 0o120777, data: 'busybox' },
      { name: 'a', mode: 0o100644, data: 'xyz' },
    ]);
  });
  it('refuses an empty path', () => {
    expect(() => buildCpio([{ kind: 'dir', path: '/' }])).toThrow(/empty path/);
  });
});
