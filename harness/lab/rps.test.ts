import { describe, expect, it } from 'vitest';
import { firstQueueValues, parseRpsOutput, rpsMismatches, rpsReadArgv, rpsWriteArgv, sameMask } from './rps.js';

// `grep -H . .../rps_cpus .../rps_flow_cnt` inside a netns node on Linux 6.18 (2 CPUs).
const READ_BACK = [
  '/sys/class/net/veth-client/queues/rx-0/rps_cpus:0',
  '/sys/class/net/veth-client/queues/rx-0/rps_flow_cnt:0',
  '/sys/class/net/wire0/queues/rx-0/rps_cpus:3',
  '/sys/class/net/wire0/queues/rx-0/rps_flow_cnt:64',
  '',
].join('\n');

describe('RPS commands', () => {
  it('write every rx queue of each interface, then read them back, in one sh script', () => {
    const [sh, c, script] = rpsWriteArgv({ wire0: { cpus: '3', flowCnt: 64 } });
    expect([sh, c]).toEqual(['sh', '-c']);
    expect(script).toContain('for q in /sys/class/net/wire0/queues/rx-*; do echo 3 > "$q/rps_cpus"; echo 64 > "$q/rps_flow_cnt"; done');
    expect(script).toContain('grep -H . "$q/rps_cpus" "$q/rps_flow_cnt"');
    expect(script).toContain('no interface wire0 in this node');
  });

  it('read every interface but lo when none is named', () => {
    expect(rpsReadArgv()[2]).toContain('for i in $(ls /sys/class/net); do');
    expect(rpsReadArgv(['wire0'])[2]).toContain('for i in wire0; do');
  });

  it('refuse names and values that could break the script', () => {
    expect(() => rpsReadArgv(['wire0; reboot'])).toThrow(/not an interface name/);
    expect(() => rpsWriteArgv({ wire0: { cpus: '3; reboot', flowCnt: 0 } })).toThrow(/not a mask/);
    expect(() => rpsWriteArgv({ wire0: { cpus: '3', flowCnt: -1 } })).toThrow(/bad flowCnt/);
  });
});

describe('parseRpsOutput', () => {
  it('keys values by interface, queue and file', () => {
    expect(parseRpsOutput(READ_BACK)).toEqual({
      'veth-client/rx-0/rps_cpus': '0',
      'veth-client/rx-0/rps_flow_cnt': '0',
      'wire0/rx-0/rps_cpus': '3',
      'wire0/rx-0/rps_flow_cnt': '64',
    });
    expect(firstQueueValues(parseRpsOutput(READ_BACK), 'wire0')).toEqual({ cpus: '3', flowCnt: 64 });
    expect(firstQueueValues(parseRpsOutput(READ_BACK), 'eth9')).toBeUndefined();
  });
});

describe('rpsMismatches', () => {
  const read = { 'node-a': parseRpsOutput(READ_BACK) };
  it('is empty when every queue matches (masks compared by value)', () => {
    expect(rpsMismatches({ 'node-a': { wire0: { cpus: '00000003', flowCnt: 64 } } }, read)).toEqual([]);
  });
  it('names each file that differs and interfaces with nothing read back', () => {
    expect(rpsMismatches({ 'node-a': { wire0: { cpus: '1', flowCnt: 0 }, eth9: { cpus: '1', flowCnt: 0 } }, 'node-b': { wire0: { cpus: '1', flowCnt: 0 } } }, read)).toEqual([
      'node-a wire0/rx-0/rps_cpus: wanted 1, read back 3',
      'node-a wire0/rx-0/rps_flow_cnt: wanted 0, read back 64',
      'node-a eth9: nothing read back',
      'node-b wire0: nothing read back',
    ]);
  });
  it('sameMask compares values, not text', () => {
    expect(sameMask('0,00000003', '3')).toBe(true);
    expect(sameMask('3', '1')).toBe(false);
    expect(sameMask('x', 'x')).toBe(false);
  });
});
