import { execa } from 'execa';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Runner, RunOptions } from '../../exec/runner.js';
import { agentPollState, agentRemoteArgv, eventsFileOf, KUBE_EXEC_TIMEOUT_MS, KubeNodeAgent, KubePodNode, kubeExecArgv } from './node.js';

describe('kube node commands', () => {
  it("a node command without a deadline gets the kube one (120 s, or the lab's), not a local command's 30 s", async () => {
    const seen: (number | undefined)[] = [];
    const runner: Runner = { run: async (_argv, o?: RunOptions) => (seen.push(o?.timeoutMs), { stdout: '', stderr: '', exitCode: 0 }) };
    const ref = { namespace: 'rl-1a2b3c', pod: 'rl-1a2b3c-node-agent', container: 'agent' };
    await new KubePodNode('node-a', ref, { target: { context: 'kind-x' }, runner, sequence: { next: 0 } }).exec(['cat', '/proc/net/stat/nf_conntrack']);
    await new KubePodNode('node-a', ref, { target: { context: 'kind-x' }, runner, sequence: { next: 0 }, execTimeoutMs: 600_000 }).exec(['cat', '/proc/net/stat/nf_conntrack']);
    await new KubePodNode('node-a', ref, { target: { context: 'kind-x' }, runner, sequence: { next: 0 } }).exec(['cat', '/x'], { timeoutMs: 5000 });
    // In a slow guest the lab's deadline is every command's floor.
    await new KubePodNode('node-a', ref, { target: { context: 'kind-x' }, runner, sequence: { next: 0 }, execTimeoutMs: 600_000 }).exec(['cat', '/x'], { timeoutMs: 60_000 });
    await new KubePodNode('node-a', ref, { target: { context: 'kind-x' }, runner, sequence: { next: 0 }, execTimeoutMs: 600_000 }).exec(['cat', '/x'], { timeoutMs: 900_000 });
    expect(seen).toEqual([KUBE_EXEC_TIMEOUT_MS, 600_000, 5000, 600_000, 900_000]);
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
      expect(remote.eventsFile).toBe(join(dir, 'server-1.events'));
      // Run the same wrapper here with a node program that prints its own pid and the environment it got.
      const e = process.env;
      const code = 'const e = process.env; console.log(process.pid, e.RESETLAB_AGENT_LIFETIME_MS, e.RESETLAB_AGENT_STDIN, e.RESETLAB_AGENT_EVENTS_FILE, process.argv.slice(1).join(" "))';
      const argv = [...remote.argv.slice(0, -4), process.execPath, '-e', code, 'a b', 'c'];
      const r = await execa(argv[0]!, argv.slice(1), { env: { ...e, RESETLAB_AGENT_STDIN: '' } });
      const [pid, lifetime, stdin, events, ...rest] = r.stdout.trim().split(' ');
      expect(readFileSync(join(dir, 'server-1.pid'), 'utf8').trim()).toBe(pid);
      expect(lifetime).toBe('90000');
      // The agent must not stop when the kubectl exec stream ends: no stdin, its own events file.
      expect(stdin).toBe('none');
      expect(events).toBe(join(dir, 'server-1.events'));
      expect(rest.join(' ')).toBe('a b c');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a kube agent whose kubectl exec stream ends early', () => {
  it('reads a poll of its pid as alive, gone, or unknown when the exec itself failed', () => {
    expect(agentPollState({ exitCode: 0, stdout: 'alive\n' })).toBe('alive');
    expect(agentPollState({ exitCode: 0, stdout: 'gone\n' })).toBe('gone');
    expect(agentPollState({ exitCode: 1, stdout: '' })).toBe('unknown');
    expect(agentPollState({ exitCode: 0, stdout: 'Error from server: etcdserver: request timed out' })).toBe('unknown');
    expect(eventsFileOf('/resetlab/load-3.pid')).toBe('/resetlab/load-3.events');
  });

  it('waits for the agent to be gone, then takes its result from the events file (a fake kubectl whose stream ends after ready)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-kube-agent-'));
    const path = process.env.PATH;
    try {
      // The local client: prints the agent's ready line and ends, as a dropped exec stream does.
      writeFileSync(join(dir, 'kubectl'), `#!/bin/sh\necho '{"event":"ready"}'\nexit 0\n`);
      chmodSync(join(dir, 'kubectl'), 0o755);
      process.env.PATH = `${dir}:${path}`;
      const polls: string[] = [];
      const answers = ['unknown', 'alive', 'gone'];
      const runner: Runner = {
        run: async (argv) => {
          const script = argv[argv.length - 1]!;
          if (script.includes('kill -0')) {
            const a = answers.shift() ?? 'gone';
            polls.push(a);
            return a === 'unknown' ? { stdout: '', stderr: 'the server is currently unable to handle the request', exitCode: 1 } : { stdout: `${a}\n`, stderr: '', exitCode: 0 };
          }
          if (argv.includes('cat') && script.endsWith('.events')) return { stdout: '{"event":"ready"}\n{"event":"result","requests":7}\n', stderr: '', exitCode: 0 };
          return { stdout: '', stderr: '', exitCode: 0 };
        },
      };
      const ref = { namespace: 'rl-1a2b3c', pod: 'rl-1a2b3c-client', container: 'holder' };
      const node = new KubePodNode('client', ref, { target: { context: 'kind-x' }, runner, sequence: { next: 0 }, agentPollMs: 10 });
      const agent = node.spawnAgent('load', [process.execPath, '/repo/dist/harness/agents/load.js', '{}', '--rl-node=x'], 30_000);
      await agent.ready;
      const out = await agent.finished;
      expect(polls).toEqual(['unknown', 'alive', 'gone']);
      expect(out.result).toMatchObject({ requests: 7 });
      expect(out.recovered).toMatch(/events file/);
    } finally {
      process.env.PATH = path;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts an agent again when kubectl says its exec stream was never set up (a fake kubectl refused once by the kubelet's authorization)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-kube-agent-'));
    const path = process.env.PATH;
    try {
      const count = join(dir, 'starts');
      writeFileSync(
        join(dir, 'kubectl'),
        `#!/bin/sh\nn=$(cat ${count} 2>/dev/null || echo 0); echo $((n + 1)) > ${count}\nif [ "$n" = 0 ]; then echo 'error: unable to upgrade connection: Authorization error (user=kube-apiserver-kubelet-client, verb=create, resource=nodes, subresource=proxy)' >&2; exit 1; fi\necho '{"event":"ready"}'\necho '{"event":"result","requests":9}'\n`,
      );
      chmodSync(join(dir, 'kubectl'), 0o755);
      process.env.PATH = `${dir}:${path}`;
      const said: string[] = [];
      const runner: Runner = { run: async () => ({ stdout: '', stderr: '', exitCode: 0 }) };
      const ref = { namespace: 'rl-1a2b3c', pod: 'rl-1a2b3c-server', container: 'holder' };
      const node = new KubePodNode('server', ref, { target: { context: 'kind-x' }, runner, sequence: { next: 0 }, agentStartRetryMs: 10, say: (l) => said.push(l) });
      const agent = node.spawnAgent('server', [process.execPath, '/repo/dist/harness/agents/server.js', '{}', '--rl-node=x'], 30_000);
      await agent.ready;
      const out = await agent.finished;
      expect(out.result).toMatchObject({ requests: 9 });
      expect(readFileSync(count, 'utf8').trim()).toBe('2');
      expect(said).toEqual([expect.stringMatching(/^server agent: its start never reached the agent \(error: unable to upgrade connection: Authorization error.*\); start 2\/6 in 0.01 s$/)]);
    } finally {
      process.env.PATH = path;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("node A's undo file", () => {
  it('records the exact command exec would run (the node tool through nsenter), appended by a real sh to the file the trap reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-kube-undo-'));
    try {
      const file = join(dir, 'undo');
      // Run the pod-side command here: strip kubectl's part and point the file into the scratch folder.
      const runner: Runner = {
        run: async (argv) => {
          const remote = argv.slice(argv.indexOf('--') + 1).map((a) => (a === '/resetlab/undo' ? file : a));
          const r = await execa(remote[0]!, remote.slice(1), { reject: false });
          return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? 1 };
        },
      };
      const agent = new KubeNodeAgent({ namespace: 'rl-1a2b3c', pod: 'rl-1a2b3c-node-agent', container: 'agent' }, { target: { context: 'kind-x' }, runner, sequence: { next: 0 } }, 'kind-worker', new Set(['nft']));
      await agent.recordUndo(['nft', 'delete', 'table', 'ip', 'rl_1a2b3c_evidence']);
      await agent.recordUndo(['ipvsadm', '-D', '-t', "10.96.0.1:80"]);
      expect(readFileSync(file, 'utf8')).toBe("'nsenter' '-t' '1' '-m' '-n' '--' 'nft' 'delete' 'table' 'ip' 'rl_1a2b3c_evidence'\n'ipvsadm' '-D' '-t' '10.96.0.1:80'\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
