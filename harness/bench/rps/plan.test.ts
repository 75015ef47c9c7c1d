import { describe, expect, it } from 'vitest';
import { BUILTIN_DIR } from '../../cli/paths.js';
import { InputError } from '../../errors.js';
import { defaultMasks, planRpsBench } from './plan.js';

const LIBERAL = 'net.netfilter.nf_conntrack_tcp_be_liberal';

async function problems(flags: Parameters<typeof planRpsBench>[0], cpus = 2): Promise<string[]> {
  try {
    await planRpsBench(flags, cpus, BUILTIN_DIR);
  } catch (e) {
    if (e instanceof InputError) return e.problems.map((p) => `${p.field}: ${p.message}`);
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('defaultMasks', () => {
  it('is off, each CPU alone (up to four) and all CPUs', () => {
    expect(defaultMasks(1)).toEqual(['0', '1']);
    expect(defaultMasks(2)).toEqual(['0', '1', '2', '3']);
    expect(defaultMasks(8)).toEqual(['0', '1', '2', '4', '8', 'ff']);
  });
});

describe('planRpsBench', () => {
  it('builds one arm per mask with its own rps, defaults 3 trials of 5s on the clean scenario', async () => {
    const plan = await planRpsBench({ masks: '0,03' }, 2, BUILTIN_DIR);
    expect(plan.masks).toEqual(['0', '3']);
    expect(plan.scenario.name).toBe('none');
    expect(plan.scenario.trials).toBe(3);
    expect(plan.scenario.load.durationMs).toBe(5000);
    expect(plan.scenario.arms.map((a) => [a.name, a.rps?.cpus, a.sysctls[LIBERAL]])).toEqual([['rps=0', '0', 0], ['rps=3', '3', 0]]);
    expect(plan.scenario.arms[0]!.rps).toEqual({ cpus: '0', flowCnt: 0, nodes: ['node-a', 'node-b'], interfaces: ['wire0'] });
  });

  it('crosses masks with liberal values (liberal outer) and takes flags', async () => {
    const plan = await planRpsBench({ masks: '0,3', liberal: '0,1', trials: '2', duration: '2s', scenario: 'over-window' }, 2, BUILTIN_DIR);
    expect(plan.scenario.arms.map((a) => a.name)).toEqual(['rps=0 liberal=0', 'rps=3 liberal=0', 'rps=0 liberal=1', 'rps=3 liberal=1']);
    expect(plan.armKeys).toEqual([{ mask: '0', liberal: 0 }, { mask: '3', liberal: 0 }, { mask: '0', liberal: 1 }, { mask: '3', liberal: 1 }]);
    expect(plan.scenario.arms[3]!.sysctls[LIBERAL]).toBe(1);
    expect(plan.scenario.fault.kind).toBe('inject');
    expect([plan.trials, plan.durationMs]).toEqual([2, 2000]);
  });

  it('validates masks against the CPU count and lists every problem before anything runs', async () => {
    expect(await problems({ masks: '0,4,zz,3,03,', liberal: '1,2,1', trials: 'x', duration: '1 parsec', scenario: 'nope' })).toEqual([
      '--masks: expected a comma-separated list without empty items (got "0,4,zz,3,03,")',
      '--masks: mask 4 names CPU 2, but this machine has 2 CPUs (largest mask: 3)',
      '--masks: expected a hex CPU mask such as "3" (CPUs 0 and 1) or "0" (RPS off), got "zz"',
      '--masks: mask 03 is listed twice',
      '--liberal: expected 0 or 1 (got "2")',
      '--liberal: 1 is listed twice',
      expect.stringMatching(/^--duration: /),
      expect.stringMatching(/^--trials: /),
      expect.stringMatching(/^: no such scenario file or built-in scenario "nope"/),
    ]);
    expect(await problems({ masks: '8,10' }, 4)).toEqual(['--masks: mask 10 names CPU 4, but this machine has 4 CPUs (largest mask: f)']);
    expect(await problems({ masks: ',' })).toEqual(['--masks: expected a comma-separated list without empty items (got ",")']);
  });
});
