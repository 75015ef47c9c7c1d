import { describe, expect, it } from 'vitest';
import { demuxDockerLog } from './docker-log.js';

/** One frame of Docker's multiplexed stream (Engine API, "attach": header [type,0,0,0,size BE32]). */
function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe("a container's whole log", () => {
  it('joins stdout and stderr frames in order, a line split across frames included', () => {
    const buf = Buffer.concat([frame(1, '{"event":"ready"}\n'), frame(2, 'warn: slow\n'), frame(1, '{"event":"res'), frame(1, 'ult","sent":3}\n')]);
    expect(demuxDockerLog(buf)).toBe('{"event":"ready"}\nwarn: slow\n{"event":"result","sent":3}\n');
  });
  it('keeps multi-byte text whole and reads a log that is not framed (a TTY) as text', () => {
    expect(demuxDockerLog(Buffer.concat([frame(1, 'héllo '), frame(1, '✓\n')]))).toBe('héllo ✓\n');
    expect(demuxDockerLog(Buffer.from('{"event":"result"}\n'))).toBe('{"event":"result"}\n');
    expect(demuxDockerLog(Buffer.alloc(0))).toBe('');
  });
});
