import { describe, expect, it } from 'vitest';
import type { Lab } from '../lab/lab.js';
import type { RpsWanted } from '../lab/rps.js';
import { validateScenario, type Scenario } from '../scenario/schema.js';
import { applyRps, armRpsWanted, effectiveRps, readRpsBase, rpsDrift, rpsTargets } from './rps.js';

const LIBERAL = { 'net.netfilter.nf_conntrack_tcp_be_liberal': 0 };
function scenario(data: Record<string, unknown>): Scenario {
  const r = validateScenario({ name: 'x', ...data }, 'f.yaml', 'src');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
}

/** A lab whose RPS files are a map; records the writes. */
function fakeLab(withRps = true) {
  const files: Record<string, Record<string, string>> = {
    'node-a': { 'wire0/rx-0/rps_cpus': '0', 'wire0/rx-0/rps_flow_cnt': '0' },
    'node-b': { 'wire0/rx-0/rps_cpus': '0', 'wire0/rx-0/rps_flow_cnt': '0' },
  };
  const writes: RpsWanted[] = [];
  const lab = {
    driver: 'netns',
    readRps: async (roles: string[]) => Object.fromEntries(roles.map((r) => [r, { ...files[r] }])),
    setRps: async (wanted: RpsWanted) => {
      writes.push(wanted);
      for (const [role, ifaces] of Object.entries(wanted)) {
        for (const [i, v] of Object.entries(ifaces ?? {})) Object.assign(files[role]!, { [`${i}/rx-0/rps_cpus`]: v.cpus, [`${i}/rx-0/rps_flow_cnt`]: String(v.flowCnt) });
      }
      return Object.fromEntries(Object.keys(wanted).map((r) => [r, { ...files[r] }]));
    },
  };
  if (!withRps) return { lab: { driver: 'kind' } as unknown as Lab, files, writes };
  return { lab: lab as unknown as Lab, files, writes };
}

describe('RPS in the pipeline', () => {
  const s = scenario({
    rps: { cpus: '1', nodes: ['node-a'] },
    arms: [{ name: 'a', sysctls: LIBERAL }, { name: 'b', sysctls: LIBERAL, rps: { cpus: '3', nodes: ['node-b'] } }],
  });

  it('an arm runs with its own rps, else the scenario one', () => {
    expect(effectiveRps(s, s.arms[0]!)?.cpus).toBe('1');
    expect(effectiveRps(s, s.arms[1]!)?.cpus).toBe('3');
    expect(rpsTargets(s)).toEqual([{ role: 'node-a', ifname: 'wire0' }, { role: 'node-b', ifname: 'wire0' }]);
    expect(rpsTargets(scenario({}))).toEqual([]);
  });

  it('every arm starts from the lab values, so no arm inherits another arm\'s RPS', async () => {
    const { lab } = fakeLab();
    const base = (await readRpsBase(lab, s))!;
    expect(armRpsWanted(base, effectiveRps(s, s.arms[0]!))).toEqual({ 'node-a': { wire0: { cpus: '1', flowCnt: 0 } }, 'node-b': { wire0: { cpus: '0', flowCnt: 0 } } });
    expect(armRpsWanted(base, effectiveRps(s, s.arms[1]!))).toEqual({ 'node-a': { wire0: { cpus: '0', flowCnt: 0 } }, 'node-b': { wire0: { cpus: '3', flowCnt: 0 } } });
  });

  it('writes, reads back and reports drift during the arm', async () => {
    const { lab, files, writes } = fakeLab();
    const base = (await readRpsBase(lab, s))!;
    const wanted = armRpsWanted(base, effectiveRps(s, s.arms[1]!));
    expect((await applyRps(lab, wanted))?.['node-b']?.['wire0/rx-0/rps_cpus']).toBe('3');
    expect(writes).toHaveLength(1);
    expect(await rpsDrift(lab, wanted)).toEqual([]);
    files['node-b']!['wire0/rx-0/rps_cpus'] = '1';
    expect(await rpsDrift(lab, wanted)).toEqual(['RPS changed during the arm: node-b wire0/rx-0/rps_cpus: wanted 3, read back 1']);
  });

  it('leaves RPS alone without an rps knob, and refuses drivers that cannot set it', async () => {
    const { lab, writes } = fakeLab();
    expect(await readRpsBase(lab, scenario({}))).toBeNull();
    expect(await applyRps(lab, undefined)).toBeNull();
    expect(await rpsDrift(lab, undefined)).toEqual([]);
    expect(writes).toEqual([]);
    await expect(readRpsBase(fakeLab(false).lab, s)).rejects.toThrow(/the kind driver cannot set RPS/);
  });
});
