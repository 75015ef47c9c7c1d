import { describe, expect, it } from 'vitest';
import { splitReproduce } from './reproduce-split.js';

/** Progress lines of a real `reproduce --json` (load average 15), times in seconds since spawn. */
const LINES: Array<[number, string]> = [
  [3.43, 'resetlab: left alone (a live run owns them): rl-330f4f-server (pid 4976)'],
  [3.63, 'resetlab: running over-window (liberal=0 vs liberal=1, each until decided, at most 10s, ordered, 1 trial)'],
  [4.87, '  provisioning the lab for over-window'],
  [9.63, '  lab rl-21b1d0: data plane iptables (auto: IPVS unavailable'],
  [16.21, '  arm liberal=0 (trial 1/1), 10s of load'],
  [24.37, '    liberal=0: 5/10s  355 req/s  resets so far: 23'],
  [25.59, '  liberal=0: baseline positive after 2187 requests, 33 resets, 7.1 s: stopping the load'],
  [27.22, '    liberal=0: 2350 requests, 35 resets'],
  [30.76, '  arm liberal=1 (trial 1/1), 10s of load'],
  [43.0, '  liberal=1: reproduced after 2095 requests, 0 resets, 5.6 s: stopping the load'],
  [47.71, '    liberal=1: 2267 requests, 0 resets'],
  [60.9, 'resetlab: wrote /tmp/x/over-window/ (result.json, summary.md, report.html)'],
  [62.0, 'Summary'],
];

describe('splitReproduce', () => {
  it('cuts a run into phases that add up to build check + process time', () => {
    const split = splitReproduce(0.64, LINES.map(([atSec, text]) => ({ atSec, text })), 62.5);
    const sec = Object.fromEntries(split.map((p) => [p.phase, Number(p.sec.toFixed(2))]));
    expect(sec).toEqual({
      'build check': 0.64,
      'start-up (node, imports, leftover scan)': 3.63,
      'lab set-up (provision, data plane, agents)': 12.58,
      'load (arms running)': 21.62,
      'between arms (stop, counters, flush, teardown)': Number(((30.76 - 25.59) + (47.71 - 43.0)).toFixed(2)),
      'last report files and exit': Number((62.5 - 47.71).toFixed(2)),
    });
    expect(split.reduce((a, p) => a + p.ratio, 0)).toBeCloseTo(1, 12);
  });
});
