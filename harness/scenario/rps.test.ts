import { describe, expect, it } from 'vitest';
import { normalizeRpsMask, rpsFlowCntProblem, rpsMaskProblem, rpsMaskValue, rpsSpec } from './rps.js';
import { validateScenario } from './schema.js';

describe('rpsMaskProblem', () => {
  it.each([
    ['0', 2], ['1', 2], ['2', 2], ['3', 2], ['03', 2], ['00000003', 2], ['ff', 8], ['0,00000001', 2], ['1,00000000', 33], ['FF', 8],
  ])('accepts %s with %i CPUs', (mask, cpus) => {
    expect(rpsMaskProblem(mask, cpus)).toBeUndefined();
  });

  it.each([
    ['4', 2, 'mask 4 names CPU 2, but this machine has 2 CPUs (largest mask: 3)'],
    ['10', 2, 'mask 10 names CPU 4, but this machine has 2 CPUs (largest mask: 3)'],
    ['2', 1, 'mask 2 names CPU 1, but this machine has 1 CPU (largest mask: 1)'],
    ['1,00000000', 32, 'mask 1,00000000 names CPU 32, but this machine has 32 CPUs (largest mask: ffffffff)'],
  ])('rejects %s with %i CPUs', (mask, cpus, message) => {
    expect(rpsMaskProblem(mask, cpus)).toBe(message);
  });

  it.each(['', 'zz', '0x3', '3,', ',3', '-1', '3 '])('rejects the non-mask %j', (mask) => {
    expect(rpsMaskProblem(mask, 2)).toMatch(/^expected a hex CPU mask/);
  });
});

describe('mask values', () => {
  it('reads comma-separated 32-bit groups like the kernel', () => {
    expect(rpsMaskValue('1,00000003')).toBe((1n << 32n) | 3n);
    expect(rpsMaskValue('0,3')).toBe(3n);
    expect(normalizeRpsMask('00000003')).toBe('3');
    expect(normalizeRpsMask('0')).toBe('0');
    expect(normalizeRpsMask('FF')).toBe('ff');
  });
});

describe('rpsFlowCntProblem', () => {
  it('accepts 0 and powers of two up to 2^20', () => {
    for (const n of [0, 1, 2, 64, 4096, 2 ** 20]) expect(rpsFlowCntProblem(n)).toBeUndefined();
  });
  it('explains the kernel rounding up', () => {
    expect(rpsFlowCntProblem(100)).toBe('must be 0 or a power of two: the kernel rounds 100 up to 128');
  });
  it('rejects out-of-range values', () => {
    expect(rpsFlowCntProblem(-1)).toMatch(/between 0 and 1048576/);
    expect(rpsFlowCntProblem(2 ** 21)).toMatch(/between 0 and 1048576/);
    expect(rpsFlowCntProblem(1.5)).toMatch(/between 0 and 1048576/);
  });
});

describe('rpsSpec', () => {
  const spec = rpsSpec(2);
  it('fills in defaults and canonicalises the mask', () => {
    expect(spec.parse({ cpus: '03' })).toEqual({ cpus: '3', flowCnt: 0, nodes: ['node-a', 'node-b'], interfaces: ['wire0'] });
    expect(spec.parse({ cpus: 3, flowCnt: 64, nodes: ['node-a'], interfaces: ['wire0', 'veth-client'] }))
      .toEqual({ cpus: '3', flowCnt: 64, nodes: ['node-a'], interfaces: ['wire0', 'veth-client'] });
  });
  it('rejects unknown keys, bad nodes, interfaces, masks and ambiguous numbers', () => {
    const issues = (v: unknown) => spec.safeParse(v).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ cpus: '4' })).toEqual(['cpus: mask 4 names CPU 2, but this machine has 2 CPUs (largest mask: 3)']);
    expect(issues({ cpus: 10 })[0]).toMatch(/^cpus: expected a hex mask as a quoted string/);
    expect(issues({ cpus: '1', colour: 'red' })[0]).toMatch(/colour/);
    expect(issues({ cpus: '1', nodes: ['client'] })[0]).toMatch(/^nodes.0:/);
    expect(issues({ cpus: '1', interfaces: ['a/b'] })).toEqual(['interfaces.0: not an interface name: "a/b"']);
    expect(issues({ cpus: '1', flowCnt: 3 })).toEqual(['flowCnt: must be 0 or a power of two: the kernel rounds 3 up to 4']);
    expect(issues({})).toEqual(['cpus: required']);
  });
});

describe('the rps knob in scenario files', () => {
  it('is optional at scenario and arm level, and problems name the field', () => {
    const ok = validateScenario(
      { name: 'x', rps: { cpus: '1' }, arms: [{ name: 'a', sysctls: { 'net.netfilter.nf_conntrack_tcp_be_liberal': 0 }, rps: { cpus: '0', interfaces: ['wire0'] } }] },
      'f.yaml',
      'src',
    );
    expect(ok.ok && ok.scenario.rps?.cpus).toBe('1');
    expect(ok.ok && ok.scenario.arms[0]!.rps?.cpus).toBe('0');
    const bad = validateScenario({ name: 'x', rps: { cpus: 'zz', speed: 1 } }, 'f.yaml', 'src');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => p.field).sort()).toEqual(['rps.cpus', 'rps.speed']);
  });
});
