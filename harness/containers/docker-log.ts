/**
 * A container's whole log as the engine holds it (not followed): Docker's logs endpoint without
 * `follow` returns every line written so far, stdout and stderr multiplexed in frames
 * (`[stream, 0, 0, 0, size as uint32 BE]` then `size` bytes, for a container without a TTY).
 * A followed stream can end before the last lines are read when the process exits right after
 * writing them (seen in a 6.1 guest: the inject agent's `result`, printed just before its exit,
 * never reached the follow); this read gets them.
 */
import { engineClient } from './runtime.js';

/** Joins the payloads of a multiplexed log (stdout and stderr, in order). A buffer that is not framed is returned as text. Pure. */
export function demuxDockerLog(buf: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const stream = buf[at]!;
    if (stream > 2 || buf[at + 1] !== 0 || buf[at + 2] !== 0 || buf[at + 3] !== 0) return parts.length === 0 ? buf.toString('utf8') : Buffer.concat(parts).toString('utf8');
    const size = buf.readUInt32BE(at + 4);
    parts.push(buf.subarray(at + 8, Math.min(buf.length, at + 8 + size)));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The container's whole log, stdout and stderr, as text (see module doc). */
export async function wholeLog(id: string): Promise<string> {
  const client = await engineClient();
  const container = client.container.getById(id) as unknown as { logs(o: { follow: false; stdout: true; stderr: true }): Promise<Buffer | string> };
  const out = await container.logs({ follow: false, stdout: true, stderr: true });
  return typeof out === 'string' ? out : demuxDockerLog(out);
}
