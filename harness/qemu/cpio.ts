/**
 * A minimal writer of the `newc` cpio format the kernel unpacks as an initramfs (pure:
 * entries in, bytes out). Directories, regular files, symlinks and character devices; uid/gid 0; no hard links.
 */

/** One archive member; paths are relative (no leading `/`). */
export type CpioEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Uint8Array | string; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function member(ino: number, mode: number, name: string, data: Uint8Array, rdev: [number, number] = [0, 0]): Buffer {
  const nameBytes = Buffer.from(name + '\0', 'utf8');
  const fields = [ino, mode, 0, 0, (mode & 0o170000) === S_IFDIR ? 2 : 1, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
  const header = Buffer.from('070701' + fields.map(hex8).join(''), 'ascii');
  return Buffer.concat([
    header,
    nameBytes,
    Buffer.alloc(pad4(header.length + nameBytes.length)),
    Buffer.from(data),
    Buffer.alloc(pad4(data.length)),
  ]);
}

/** Encodes `entries` (in order; parents must come before children) plus the trailer. */
export function writeCpio(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    if (e.path.startsWith('/') || e.path === '') throw new RangeError(`cpio paths must be relative: ${JSON.stringify(e.path)}`);
    if (e.type === 'dir') parts.push(member(ino++, S_IFDIR | (e.mode ?? 0o755), e.path, new Uint8Array()));
    else if (e.type === 'chardev') parts.push(member(ino++, S_IFCHR | (e.mode ?? 0o600), e.path, new Uint8Array(), [e.major, e.minor]));
    else if (e.type === 'symlink') parts.push(member(ino++, S_IFLNK | 0o777, e.path, Buffer.from(e.target, 'utf8')));
    else parts.push(member(ino++, S_IFREG | (e.mode ?? 0o644), e.path, typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data));
  }
  parts.push(member(0, 0, 'TRAILER!!!', new Uint8Array()));
  return Buffer.concat(parts);
}
