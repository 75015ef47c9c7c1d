import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../exec/fake-runner.js';
import type { Runner, RunOptions } from '../../exec/runner.js';
import { leftoverDecision, parseRunNamespaces, removeKubeLeftovers } from './cleanup.js';

const KEY = 'net.netfilter.nf_conntrack_tcp_be_liberal';
const LIST = JSON.stringify({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { metadata: { name: 'rl-aaaaaa', labels: { 'resetlab.prefix': 'rl-aaaaaa' }, annotations: { 'resetlab.io/owner': 'here/111', 'resetlab.io/sysctls': JSON.stringify({ node: 'kind-worker', changed: [{ key: KEY, original: 0, written: 1 }] }) } } },
    { metadata: { name: 'rl-bbbbbb', labels: { 'resetlab.prefix': 'rl-bbbbbb' }, annotations: { 'resetlab.io/owner': 'here/222' } } },
    { metadata: { name: 'rl-cccccc', labels: { 'resetlab.prefix': 'rl-cccccc' }, annotations: { 'resetlab.io/owner': 'laptop/333' } } },
    { metadata: { name: 'default', labels: {} } },
  ],
});

describe('kube leftovers', () => {
  it('parses the labelled namespaces with owner and recorded sysctls', () => {
    const ns = parseRunNamespaces(LIST);
    expect(ns.map((n) => n.name)).toEqual(['rl-aaaaaa', 'rl-bbbbbb', 'rl-cccccc']);
    expect(ns[0]).toEqual({ name: 'rl-aaaaaa', prefix: 'rl-aaaaaa', owner: { host: 'here', pid: 111 }, sysctls: { node: 'kind-worker', changed: [{ key: KEY, original: 0, written: 1 }] }, terminating: false });
  });

  it("removes dead runs of this machine only: a live owner's and another machine's are left, and said", () => {
    const live = (p: string) => (p === 'rl-bbbbbb' ? 222 : null);
    const [a, b, c] = parseRunNamespaces(LIST);
    expect(leftoverDecision(a!, 'here', live)).toEqual({ remove: true });
    expect(leftoverDecision(b!, 'here', live)).toEqual({ remove: false, why: 'a live run owns it (pid 222)' });
    expect(leftoverDecision(c!, 'here', live)).toMatchObject({ remove: false, why: expect.stringMatching(/^owned by a run on laptop/) });
  });

  it("deletes the node agent first while following its log (its trap's restore lines), then the namespace", async () => {
    const runner = new FakeRunner()
      .on(/get namespaces -l resetlab.prefix/, { stdout: LIST })
      .on(/logs -f pod\/rl-aaaaaa-node-agent/, { stdout: 'resetlab node agent: up for 1800 s\nresetlab node agent: restored /proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal to 0\n' });
    const report = await removeKubeLeftovers(runner, { context: 'kind-x' }, 'here', (p) => (p === 'rl-bbbbbb' ? 222 : null));
    expect(report.removed).toEqual(['rl-aaaaaa']);
    expect(report.left).toHaveLength(2);
    expect(report.said).toEqual([
      `rl-aaaaaa: node kind-worker had ${KEY}=0 before the run; resetlab wrote 1`,
      'rl-aaaaaa: resetlab node agent: restored /proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal to 0',
    ]);
    const deletes = runner.lines.filter((l) => / delete /.test(l));
    expect(deletes).toEqual([
      'kubectl --context kind-x -n rl-aaaaaa delete pod rl-aaaaaa-node-agent --ignore-not-found --wait=true --timeout=120s',
      'kubectl --context kind-x delete namespace rl-aaaaaa --ignore-not-found --wait=true --timeout=600s',
    ]);
  });

  it("deletes the node agent only once the log follow is attached (the agent's first line heard), so its restore lines are not missed", async () => {
    const order: string[] = [];
    let endFollow!: () => void;
    const runner: Runner = {
      run: async (argv: readonly string[], o?: RunOptions) => {
        const line = argv.join(' ');
        if (/get namespaces/.test(line)) return { stdout: LIST, stderr: '', exitCode: 0 };
        if (/logs -f/.test(line)) {
          // kubectl attaches late (a slow API server): its first line comes after 1.5 s.
          setTimeout(() => {
            order.push('heard');
            o?.onLine?.('resetlab node agent: up for 1800 s');
          }, 1500);
          await new Promise<void>((resolve) => (endFollow = resolve));
          return { stdout: 'resetlab node agent: up for 1800 s\nresetlab node agent: restored /proc/sys/x to 0\n', stderr: '', exitCode: 0 };
        }
        if (/delete pod/.test(line)) {
          order.push('delete pod');
          endFollow();
        }
        return { stdout: '', stderr: '', exitCode: 0 };
      },
    };
    const report = await removeKubeLeftovers(runner, { context: 'kind-x' }, 'here', (p) => (p === 'rl-bbbbbb' ? 222 : null));
    expect(order).toEqual(['heard', 'delete pod']);
    expect(report.said).toContain('rl-aaaaaa: resetlab node agent: restored /proc/sys/x to 0');
  });
});
