import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnLog } from './conn-log.js';

/** A stand-in socket: an emitter with the fields ConnLog reads. */
function fakeSocket(localPort?: number): Socket {
  const s = new EventEmitter() as unknown as Socket & { localPort?: number; localAddress?: string };
  if (localPort) Object.assign(s, { localPort, localAddress: '10.244.1.2' });
  return s;
}

describe('ConnLog', () => {
  it('lists connected sockets with how they ended, and only counts those that never connected', () => {
    let t = 1000;
    const log = new ConnLog(() => t);
    const ok = fakeSocket(40001);
    log.opened(ok);
    t = 1100;
    log.response(ok);
    t = 1200;
    ok.emit('error', Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    for (let i = 0; i < 3; i++) {
      const refused = fakeSocket();
      log.opened(refused);
      refused.emit('error', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    }
    const late = fakeSocket();
    log.opened(late);
    Object.assign(late, { localPort: 40002, localAddress: '10.244.1.2' });
    late.emit('connect');
    expect(log.all().map((r) => [r.port, r.end, r.code, r.responses])).toEqual([
      [40001, 'error', 'ECONNRESET', 1],
      [40002, 'open', undefined, 0],
    ]);
    expect(log.all()[0]!.recentResponses).toEqual([1100]);
    expect(log.neverConnected()).toBe(3);
  });
});
