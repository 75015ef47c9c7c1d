import { describe, expect, it } from 'vitest';
import { IpvsExpiryTracker } from './ipvs-expiry.js';
import type { IpvsConnection } from './parse-ipvs.js';

const c = (port: number, state: string): IpvsConnection => ({ protocol: 'TCP', expiresSec: 2, state, source: `192.168.100.10:${port}`, virtual: '10.96.0.10:80', destination: '10.244.2.10:8080' });

describe('IpvsExpiryTracker', () => {
  it('counts entries that vanish while ESTABLISHED as expired, others as closed, ignoring the first poll', () => {
    const t = new IpvsExpiryTracker();
    t.add([c(1, 'ESTABLISHED')]); // left over from an earlier arm
    t.add([c(2, 'ESTABLISHED'), c(3, 'ESTABLISHED'), c(4, 'FIN_WAIT')]);
    t.add([c(3, 'ESTABLISHED')]);
    t.add([]);
    expect(t.result()).toEqual({ polls: 4, expired: 2, closed: 1, maxEntries: 3 });
  });
  it('an entry that changes state is one entry', () => {
    const t = new IpvsExpiryTracker();
    t.add([]);
    t.add([c(5, 'ESTABLISHED')]);
    t.add([c(5, 'CLOSE')]);
    t.add([]);
    expect(t.result()).toMatchObject({ expired: 0, closed: 1 });
  });
});
