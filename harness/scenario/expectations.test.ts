import { describe, expect, it } from 'vitest';
import { selectExpectation, type Expectation } from './expectations.js';

const list: Expectation[] = [
  { scenario: 'over-window', driver: 'kind', proxyMode: 'ipvs', expect: 'not-reproduced' },
  { scenario: 'over-window', driver: 'netns', proxyMode: 'ipvs', kernel: '=6.1', expect: 'not-reproduced' },
  { scenario: 'over-window', driver: 'netns', proxyMode: 'iptables', kernel: '=6.1', expect: 'reproduced' },
  { scenario: 'over-window', driver: 'vm', proxyMode: 'ipvs', kernel: '=5.10', expect: 'reproduced' },
] as Expectation[];

describe('selectExpectation', () => {
  it.each([
    [{ kernel: '6.1.0-56-amd64', proxyMode: 'ipvs', driver: 'netns' }, 1],
    [{ kernel: '6.1.0-56-amd64', proxyMode: 'iptables', driver: 'netns' }, 2],
    // the vm driver runs the netns lab in its guest: netns rows apply to it
    [{ kernel: '6.1.0-56-amd64', proxyMode: 'ipvs', driver: 'vm' }, 1],
    [{ kernel: '5.10.0-46-amd64', proxyMode: 'ipvs', driver: 'vm' }, 3],
    // ...but vm and kind rows never apply to another driver
    [{ kernel: '5.10.0-46-amd64', proxyMode: 'ipvs', driver: 'netns' }, null],
    [{ kernel: '6.1.0-56-amd64', proxyMode: 'ipvs', driver: 'kind' }, 0],
    // an unmeasured kernel matches nothing
    [{ kernel: '6.12.118+deb13-amd64', proxyMode: 'ipvs', driver: 'netns' }, null],
  ])('%o -> row %s', (facts, row) => {
    const e = selectExpectation(list, 'over-window', facts);
    expect(e === null ? null : list.indexOf(e)).toBe(row);
  });
});
