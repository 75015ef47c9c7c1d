import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Runner, RunOptions } from '../../exec/runner.js';
import { agentRemoteArgv, KUBE_EXEC_TIMEOUT_MS, KubePodNode, kubeExecArgv } from './node.js';

describe('kube node commands', () => {
  it("a node command without a deadline gets the kube one (120 s, or the lab's), not a local command's 30 s", async () => {
    const seen: (number | undefined)[] = [];
    const runner: Runner = { run: async (_argv, o?: RunOptions) => (seen.push(o?.timeoutMs), { stdout: '', stderr: '', exitCode: 0 }) };
    const ref = { namespace: 'rl-1a2b3c', pod: 'rl-1a2b3c-node-agent', container: 'agent' };
    await new KubePodNode('node-a', ref, { target: { context: 'kind-x' }, runner, sequence: { next: 0 } }).exec(['cat', '/proc/net/stat/nf_conntrack']);
    await new KubePodNode('node-a', ref, { target: { context: 'kind-x' }, runner, sequence: { next: 0 }, execTimeoutMs: 600_000 }).exec(['cat', '/proc/net/stat/nf_conntrack']);
    await new KubePodNode('node-a', ref, { target: { context: 'kind-x' }, runner, sequence: { next: 0 } }).exec(['cat', '/x'], { timeoutMs: 5000 });
    expect(seen).toEqual([KUBE_EXEC_TIMEOUT_MS, 600_000, 5000]);
    expect(KUBE_EXEC_TIMEOUT_MS).toBe(120_000);
  });

  it('kubectl exec pins the kubeconfig and context, and -i only with stdin', () => {
    const ref = { namespace: 'rl-1a2b3c', pod: 'rl-1a2b3c-server-5d9f', container: 'holder' };
    expect(kubeExecArgv({ context: 'kind-x', kubeconfig: '/k' }, ref, ['cat', '/proc/net/snmp'])).toEqual(['kubectl', '--kubeconfig', '/k', '--context', 'kind-x', 'exec', '-n', 'rl-1a2b3c', 'rl-1a2b3c-server-5d9f', '-c', 'holder', '--', 'cat', '/proc/net/snmp']);
    expect(kubeExecArgv({ context: 'kind-x' }, ref, ['nft', '-f', '-'], true).slice(3, 5)).toEqual(['exec', '-i']);
  });

  it("the remote wrapper becomes the agent (its pid in the pid file), with the agent's lifetime set (run by a real sh)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-kube-node-'));
    try {
      const host = [process.execPath, '/repo/dist/harness/agents/server.js', '{"port":8080}', '--rl-node=rl-1a2b3c/pod'];
      const remote = agentRemoteArgv(host, join(dir, 'server-1.pid'), 90_000);
      expect(remote.name).toBe('server');
      expect(remote.argv.slice(-4)).toEqual(['node', '/app/dist/harness/agents/server.js', '{"port":8080}', '--rl-node=rl-1a2b3c/pod']);
      // Run the same wrapper here with a node program that prints its own pid and the lifetime it got.
      const argv = [...remote.argv.slice(0, -4), process.execPath, '-e', 'console.log(process.pid, process.env.RESETLAB_AGENT_LIFETIME_MS, process.argv.slice(1).join(" "))', 'a b', 'c'];
      const r = await execa(argv[0]!, argv.slice(1));
      const [pid, lifetime, ...rest] = r.stdout.trim().split(' ');
      expect(readFileSync(join(dir, 'server-1.pid'), 'utf8').trim()).toBe(pid);
      expect(lifetime).toBe('90000');
      expect(rest.join(' ')).toBe('a b c');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
