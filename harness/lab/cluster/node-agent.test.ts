import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { NODE_AGENT_SCRIPT, NODE_AGENT_STATE_FILE, NODE_AGENT_UNDO_FILE, nodeAgentPod, shouldRestore, sysctlPath, sysctlStateText, undoLine } from './node-agent.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The agent's script with its state file and "sysctls" moved into a scratch folder (the logic is what runs in the pod). */
function scratchScript(dir: string): string {
  return NODE_AGENT_SCRIPT.replace(`state=${NODE_AGENT_STATE_FILE}`, `state=${dir}/state`).replace(`undo=${NODE_AGENT_UNDO_FILE}`, `undo=${dir}/undo`);
}

describe('the node agent script (run by a real sh)', () => {
  it('on SIGTERM restores what is still resetlab\'s value and leaves a value someone else changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-node-agent-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'liberal'), '1\n'); // resetlab wrote 1 over 0: restore
    writeFileSync(join(dir, 'loose'), '5\n'); // resetlab wrote 0, someone wrote 5 since: leave
    writeFileSync(join(dir, 'state'), `${dir}/liberal 0 1\n${dir}/loose 1 0\n`);
    const child = execa('sh', ['-c', scratchScript(dir)], { env: { RESETLAB_LIFETIME_SEC: '300' }, reject: false });
    await new Promise<void>((resolve) => child.stdout!.on('data', (c: Buffer) => c.toString().includes('up for') && resolve()));
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'liberal'), 'utf8').trim()).toBe('0');
    expect(readFileSync(join(dir, 'loose'), 'utf8').trim()).toBe('5');
    expect(r.stdout).toContain(`resetlab node agent: restored ${dir}/liberal to 0`);
    expect(r.stdout).toContain(`resetlab node agent: left ${dir}/loose at 5 (resetlab wrote 0; it was changed since)`);
    expect(readFileSync(join(dir, 'state'), 'utf8')).toBe('');
  });

  it("on SIGTERM also runs every recorded undo (the run's node changes), quietly skipping one the harness already did", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-node-agent-'));
    dirs.push(dir);
    // Stand-ins for "nft delete table ip rl_x_evidence" and an iptables -D: files the undo removes; one word with a quote and a space.
    writeFileSync(join(dir, "it's a table"), 'x');
    writeFileSync(join(dir, 'rule'), 'x');
    writeFileSync(join(dir, 'undo'), [undoLine(['rm', join(dir, "it's a table")]), undoLine(['rm', join(dir, 'gone-already')]), undoLine(['rm', join(dir, 'rule')])].join('\n') + '\n');
    const child = execa('sh', ['-c', scratchScript(dir)], { env: { RESETLAB_LIFETIME_SEC: '300' }, reject: false });
    await new Promise<void>((resolve) => child.stdout!.on('data', (c: Buffer) => c.toString().includes('up for') && resolve()));
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(existsSync(join(dir, "it's a table"))).toBe(false);
    expect(existsSync(join(dir, 'rule'))).toBe(false);
    expect(r.stdout.split('\n').filter((l) => l.includes('undid'))).toHaveLength(2);
    expect(r.stdout).not.toContain('gone-already');
    expect(readFileSync(join(dir, 'undo'), 'utf8')).toBe('');
  });

  it('restores by itself when its lifetime ends (a harness killed with SIGKILL never comes back)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-node-agent-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'liberal'), '1\n');
    writeFileSync(join(dir, 'state'), `${dir}/liberal 0 1\n`);
    const r = await execa('sh', ['-c', scratchScript(dir)], { env: { RESETLAB_LIFETIME_SEC: '1' } });
    expect(readFileSync(join(dir, 'liberal'), 'utf8').trim()).toBe('0');
    expect(r.stdout).toContain('restored');
  });
});

describe('node agent objects', () => {
  it('quotes an undo command word by word, and refuses one it cannot write on one line', () => {
    expect(undoLine(['nsenter', '-t', '1', '-m', '-n', '--', 'nft', 'delete', 'table', 'ip', 'rl_1a2b3c_evidence'])).toBe("'nsenter' '-t' '1' '-m' '-n' '--' 'nft' 'delete' 'table' 'ip' 'rl_1a2b3c_evidence'");
    expect(undoLine(['iptables', '-m', 'comment', '--comment', "rl's rule"])).toBe("'iptables' '-m' 'comment' '--comment' 'rl'\\''s rule'");
    expect(() => undoLine([])).toThrow(/failed to record/);
    expect(() => undoLine(['a\nb'])).toThrow(/newline/);
  });

  it('maps keys to /proc/sys paths and writes the state lines', () => {
    expect(sysctlPath('net.netfilter.nf_conntrack_tcp_be_liberal')).toBe('/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal');
    expect(() => sysctlPath('../etc')).toThrow(/failed to map/);
    expect(sysctlStateText([{ key: 'net.netfilter.nf_conntrack_tcp_be_liberal', original: 0, written: 1 }])).toBe('/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal 0 1\n');
    expect(shouldRestore(1, { key: 'k', original: 0, written: 1 })).toBe(true);
    expect(shouldRestore(5, { key: 'k', original: 0, written: 1 })).toBe(false);
    expect(shouldRestore(0, { key: 'k', original: 0, written: 0 })).toBe(false);
  });

  it('is a privileged hostNetwork hostPID pod pinned by node name, with a grace for its trap and a deadline', () => {
    const pod = nodeAgentPod({ prefix: 'rl-1a2b3c', image: 'resetlab-agent:local', node: 'kind-worker', pullPolicy: 'IfNotPresent', lifetimeSec: 1200, tolerations: [] }) as {
      metadata: { name: string; namespace: string; labels: Record<string, string> };
      spec: Record<string, unknown> & { containers: { securityContext: unknown; env: unknown; command: string[] }[] };
    };
    expect(pod.metadata).toEqual({ name: 'rl-1a2b3c-node-agent', namespace: 'rl-1a2b3c', labels: { app: 'rl-1a2b3c-node-agent', 'resetlab.prefix': 'rl-1a2b3c' } });
    expect(pod.spec).toMatchObject({ hostNetwork: true, hostPID: true, restartPolicy: 'Never', activeDeadlineSeconds: 1260, terminationGracePeriodSeconds: 30 });
    expect(JSON.stringify(pod.spec.affinity)).toContain('"matchFields":[{"key":"metadata.name","operator":"In","values":["kind-worker"]}]');
    expect(pod.spec.containers[0]!.securityContext).toEqual({ privileged: true });
    expect(pod.spec.containers[0]!.env).toEqual([{ name: 'RESETLAB_LIFETIME_SEC', value: '1200' }]);
    expect(pod.spec).not.toHaveProperty('tolerations');
  });
});
