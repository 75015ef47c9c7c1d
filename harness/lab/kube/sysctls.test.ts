import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../exec/fake-runner.js';
import { KubeNodeAgent } from './node.js';
import { KubeSysctls, parseSysctlRecord, sysctlRecordText } from './sysctls.js';

const KEY = 'net.netfilter.nf_conntrack_tcp_be_liberal';

function lab(runner: FakeRunner) {
  const agent = new KubeNodeAgent({ namespace: 'rl-1a2b3c', pod: 'rl-1a2b3c-node-agent', container: 'agent' }, { target: { context: 'kind-x' }, runner, sequence: { next: 0 } }, 'kind-worker', new Set(['sysctl', 'sh']));
  const annotations: string[] = [];
  return { sysctls: new KubeSysctls(agent, async (v) => void annotations.push(v)), annotations };
}

describe('KubeSysctls', () => {
  it('records the original on the agent and the namespace before the first write, then writes through the node and reads back', async () => {
    const runner = new FakeRunner().on(/sysctl -e/, { stdout: `${KEY} = 1\n` }).on(/sysctl -e/, { stdout: `${KEY} = 0\n` }, 1);
    const { sysctls, annotations } = lab(runner);
    expect(await sysctls.set(['node-a'], { [KEY]: 1 })).toEqual({ 'node-a': { [KEY]: 1 } });
    const lines = runner.lines;
    const state = lines.findIndex((l) => l.includes('cat > /resetlab/sysctls'));
    const write = lines.findIndex((l) => l.includes(`sysctl -w ${KEY}=1`));
    expect(state).toBeGreaterThan(0);
    expect(write).toBeGreaterThan(state);
    expect(runner.calls[state]!.input).toBe('/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal 0 1\n');
    // The state file is the agent's own (its scratch volume), never the node's, although the node has sh.
    expect(lines[state]).toBe("kubectl --context kind-x exec -i -n rl-1a2b3c rl-1a2b3c-node-agent -c agent -- sh -c 'cat > /resetlab/sysctls'");
    // Through the node's own sysctl (nsenter), in the node agent pod of the pinned context.
    expect(lines[write]).toBe(`kubectl --context kind-x exec -n rl-1a2b3c rl-1a2b3c-node-agent -c agent -- nsenter -t 1 -m -n -- sysctl -w ${KEY}=1`);
    expect(annotations).toEqual([sysctlRecordText('kind-worker', [{ key: KEY, original: 0, written: 1 }])]);
    expect(parseSysctlRecord(annotations[0])).toEqual({ node: 'kind-worker', changed: [{ key: KEY, original: 0, written: 1 }] });
  });

  it('a second write keeps the first original; restore writes it back only where the value is still ours', async () => {
    // Answers are checked newest first: 0 (before), 1 (read back), then 0 (read back of the second write).
    const runner = new FakeRunner().on(/sysctl -e/, { stdout: `${KEY} = 0\n` }, 1).on(/sysctl -e/, { stdout: `${KEY} = 1\n` }, 1).on(/sysctl -e/, { stdout: `${KEY} = 0\n` }, 1);
    const { sysctls, annotations } = lab(runner);
    await sysctls.set(['node-a'], { [KEY]: 1 });
    await sysctls.set(['node-a'], { [KEY]: 0 });
    expect(sysctls.list()).toEqual([{ key: KEY, original: 0, written: 0 }]);
    // The namespace's record follows each new written value (measured: a killed run's cleanup said "wrote 0" after it wrote 1).
    expect(annotations.map((a) => parseSysctlRecord(a)?.changed[0]?.written)).toEqual([1, 0]);
    runner.on(/sysctl -e/, { stdout: `${KEY} = 0\n` }, 1);
    await sysctls.set(['node-a'], { [KEY]: 0 });
    expect(annotations).toHaveLength(2);
    // Someone set it to 7 since: left alone.
    runner.on(/sysctl -e/, { stdout: `${KEY} = 7\n` }, 1);
    expect(await sysctls.restore()).toEqual([`${KEY} left at 7 (resetlab wrote 0; it was changed since)`]);
    expect(runner.lines.at(-1)).toContain(": > /resetlab/sysctls");
  });

  it('restores a value that is still resetlab\'s', async () => {
    const runner = new FakeRunner().on(/sysctl -e/, { stdout: `${KEY} = 1\n` }).on(/sysctl -e/, { stdout: `${KEY} = 0\n` }, 1);
    const { sysctls } = lab(runner);
    await sysctls.set(['node-a'], { [KEY]: 1 });
    expect(await sysctls.restore()).toEqual([`${KEY} restored to 0`]);
    expect(runner.lines.filter((l) => l.endsWith(`sysctl -w ${KEY}=0`))).toHaveLength(1);
  });

  it('refuses a key the node does not have before writing anything', async () => {
    const runner = new FakeRunner().on(/sysctl -e/, { stdout: '' });
    const { sysctls } = lab(runner);
    await expect(sysctls.set(['node-a'], { 'net.ipv4.vs.conntrack': 1 })).rejects.toThrow(/net.ipv4.vs.conntrack does not exist there/);
    expect(runner.lines.some((l) => l.includes('sysctl -w'))).toBe(false);
  });
});
