/**
 * A minimal writer of the `newc` cpio format the Linux kernel unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst). Regular files, directories
 * and symlinks, owned by root; the archive is returned in memory (an initramfs here is a
 * few MB). Pure: no I/O, nothing to clean up.
 */

/** One entry of the archive; `path` is relative (no leading `/`). */
export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Buffer | string; mode?: number }
  | { kind: 'symlink'; path: string; target: string };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

function record(name: string, mode: number, data: Buffer, ino: number): Buffer[] {
  const nameBytes = Buffer.from(`${name}\0`);
  const header = Buffer.from(
    '070701' +
      [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0].map(hex8).join(''),
    'ascii',
  );
  return [header, nameBytes, pad4(header.length + nameBytes.length), data, pad4(data.length)];
}

/** The archive bytes for `entries` (in the given order; parents must precede children), with the trailer. */
export function buildCpio(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((e, i) => {
    const path = e.path.replace(/^\/+/, '');
    if (path === '') throw new Error('failed to build cpio: empty path');
    if (e.kind === 'dir') parts.push(...record(path, S_IFDIR | (e.mode ?? 0o755), Buffer.alloc(0), i + 1));
    else if (e.kind === 'file') parts.push(...record(path, S_IFREG | (e.mode ?? 0o644), Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data), i + 1));
    else parts.push(...record(path, S_IFLNK | 0o777, Buffer.from(e.target), i + 1));
  });
  parts.push(...record('TRAILER!!!', 0, Buffer.alloc(0), 0));
  return Buffer.concat(parts);
}
