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
    const split = splitReproduce(0.64, LINES.map(([atSec, text]) => ({ atSec, text })), 62.5).phases;
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

  it('side by side: each tagged scenario is a lane, and the wall time follows the lane that finished last', () => {
    // Lines of a real side-by-side `reproduce` (texts as printed; times in seconds since spawn).
    const tagged: Array<[number, string]> = [
      [0.6, 'resetlab: 2 scenarios side by side, each in its own lab'],
      [0.6, 'resetlab: running over-window-masquerade (liberal=0 vs liberal=1, each until decided, at most 4s, ordered, 1 trial)'],
      [0.61, '  [over-window-masquerade] provisioning the lab for over-window-masquerade'],
      [0.61, 'resetlab: running none (liberal=0 vs liberal=1, each until decided, at most 4s, ordered, 1 trial)'],
      [0.62, '  [none] provisioning the lab for none'],
      [1.2, '  [over-window-masquerade] lab rl-b951e6: data plane iptables (auto: IPVS unavailable'],
      [1.3, '  [none] lab rl-0f6771: data plane iptables (auto: IPVS unavailable'],
      [1.5, '  [none] arm liberal=0 (trial 1/1), 4s of load'],
      [1.6, '  [over-window-masquerade] arm liberal=0 (trial 1/1), 4s of load'],
      [3.0, '  [none] liberal=0: baseline clean after 2019 requests, 0 resets, 2.1 s: stopping the load'],
      [3.4, '  [none] liberal=0: 2252 requests, 0 resets'],
      [3.5, '  [over-window-masquerade] liberal=0: baseline positive after 2134 requests, 48 resets, 3.6 s: stopping the load'],
      [3.9, '  [over-window-masquerade] liberal=0: 2565 requests, 54 resets'],
      [4.0, '  [none] arm liberal=1 (trial 1/1), 4s of load'],
      [4.5, '  [over-window-masquerade] arm liberal=1 (trial 1/1), 4s of load'],
      [5.5, '  [none] liberal=1: not-reproduced after 2358 requests, 0 resets, 1.9 s: stopping the load'],
      [5.9, '  [none] liberal=1: 2776 requests, 0 resets'],
      [6.0, '  [over-window-masquerade] liberal=1: reproduced after 2169 requests, 0 resets, 1.7 s: stopping the load'],
      [6.5, '  [over-window-masquerade] liberal=1: 2396 requests, 0 resets'],
      [7.0, 'resetlab: wrote /tmp/rp4/2026-12-01T23-42-02Z-none/ (result.json, summary.md, report.html)'],
      [7.2, 'Summary'],
    ];
    const { phases, lanes } = splitReproduce(0.2, tagged.map(([atSec, text]) => ({ atSec, text })), 7.5);
    const sec = (xs: Array<{ phase: string; sec: number }>) => Object.fromEntries(xs.map((p) => [p.phase, Number(p.sec.toFixed(2))]));
    expect(sec(phases)).toEqual({
      'build check': 0.2,
      'start-up (node, imports, leftover scan)': 0.61,
      'lab set-up (provision, data plane, agents)': Number((1.6 - 0.61).toFixed(2)),
      'load (arms running)': Number((3.5 - 1.6 + (6.0 - 4.5)).toFixed(2)),
      'between arms (stop, counters, flush, teardown)': Number((4.5 - 3.5 + (6.5 - 6.0)).toFixed(2)),
      'last report files and exit': 1.0,
    });
    expect(phases.reduce((a, p) => a + p.sec, 0)).toBeCloseTo(0.2 + 7.5, 12);
    expect(lanes!.map((l) => [l.scenario, Number(l.sec.toFixed(2))])).toEqual([['over-window-masquerade', 5.89], ['none', 5.28]]);
    expect(sec(lanes![1]!.phases)).toEqual({
      'lab set-up (provision, data plane, agents)': 0.88,
      'load (arms running)': Number((3.0 - 1.5 + (5.5 - 4.0)).toFixed(2)),
      'between arms (stop, counters, flush, teardown)': Number((4.0 - 3.0 + (5.9 - 5.5)).toFixed(2)),
    });
    for (const lane of lanes!) expect(lane.phases.reduce((a, p) => a + p.ratio, 0)).toBeCloseTo(1, 12);
  });
});
