import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_AGENT_SCRIPT, NODE_AGENT_STATE_FILE, nodeAgentPod, shouldRestore, sysctlPath, sysctlStateText } from './node-agent.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The agent's script with its state file and "sysctls" moved into a scratch folder (the logic is what runs in the pod). */
function scratchScript(dir: string): string {
  return NODE_AGENT_SCRIPT.replace(`state=${NODE_AGENT_STATE_FILE}`, `state=${dir}/state`);
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
