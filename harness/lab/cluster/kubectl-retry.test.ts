import { describe, expect, it } from 'vitest';
import type { RunOptions, RunResult, Runner } from '../../exec/runner.js';
import { execNeverStarted, isTransientKubectlFailure, retryingKubectl } from './kubectl-retry.js';

/** A runner answering from a script, one result per call. */
function scripted(results: RunResult[]): Runner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async run(argv: readonly string[], _o?: RunOptions) {
      calls.push(argv.join(' '));
      return results.shift() ?? { stdout: '', stderr: '', exitCode: 0 };
    },
  };
}
const tls = { stdout: '', stderr: 'Unable to connect to the server: net/http: TLS handshake timeout\n', exitCode: 1 };

describe('kubectl retried while the API server does not answer', () => {
  it("tells an exec that never started: the pod lookup before it failed (captured in a 6.1 guest, 2026-12-04), not a pod that is not there", () => {
    const lookup = 'Error from server (Timeout): the server was unable to return a response in the time allotted, but may still be processing the request (get pods rl-5ed43e-node-agent)\n';
    expect(execNeverStarted({ stdout: '', stderr: lookup, exitCode: 1 })).toBe(true);
    expect(execNeverStarted({ stdout: '', stderr: lookup, exitCode: 0 })).toBe(false);
    expect(execNeverStarted({ stdout: '', stderr: 'Error from server (NotFound): pods "rl-5ed43e-node-agent" not found\n', exitCode: 1 })).toBe(false);
    // A remote command that failed is not a pod lookup that failed.
    expect(execNeverStarted({ stdout: '', stderr: 'cat: x: No such file or directory\ncommand terminated with exit code 1\n', exitCode: 1 })).toBe(false);
  });
  it('tells a server that did not answer from one that said no', () => {
    expect(isTransientKubectlFailure(tls)).toBe(true);
    expect(isTransientKubectlFailure({ stdout: '', stderr: 'Error from server (NotFound): pods "x" not found', exitCode: 1 })).toBe(false);
    expect(isTransientKubectlFailure({ stdout: '', stderr: 'error: timed out waiting for the condition', exitCode: 1 })).toBe(false);
    expect(isTransientKubectlFailure({ ...tls, exitCode: 0 })).toBe(false);
    // Captured from `kubectl apply` of the run's workloads in a 6.1 TCG guest (2026-12-02): the server answered, but gave up itself.
    const quota = [
      'Error from server (InternalError): error when creating "STDIN": Internal error occurred: resource quota evaluation timed out',
      'Error from server (NotFound): error when creating "STDIN": namespaces "rl-8f5e43" not found',
      'Error from server (NotFound): error when creating "STDIN": namespaces "rl-8f5e43" not found',
    ].join('\n');
    expect(isTransientKubectlFailure({ stdout: '', stderr: quota, exitCode: 1 })).toBe(true);
    expect(isTransientKubectlFailure({ stdout: '', stderr: 'Error from server (Timeout): Timeout: request did not complete within requested timeout - context deadline exceeded', exitCode: 1 })).toBe(true);
  });
  it('retries kubectl until it succeeds, and says so', async () => {
    const inner = scripted([tls, tls, { stdout: 'ok', stderr: '', exitCode: 0 }]);
    const said: string[] = [];
    const r = await retryingKubectl(inner, { delayMs: 1, say: (l) => said.push(l) }).run(['kubectl', 'apply', '-f', '-']);
    expect(r.stdout).toBe('ok');
    expect(inner.calls).toHaveLength(3);
    expect(said).toHaveLength(2);
    expect(said[0]).toContain('TLS handshake timeout');
  });
  it('gives up after its attempts, and throws only when asked to check', async () => {
    await expect(retryingKubectl(scripted([tls, tls, tls]), { attempts: 3, delayMs: 1 }).run(['kubectl', 'get', 'nodes'])).rejects.toThrow(/TLS handshake timeout/);
    const r = await retryingKubectl(scripted([tls, tls]), { attempts: 2, delayMs: 1 }).run(['kubectl', 'get', 'nodes'], { check: false });
    expect(r.exitCode).toBe(1);
  });
  it('retries a kubectl that hung past its deadline', async () => {
    const { CommandError } = await import('../../errors.js');
    let calls = 0;
    const hanging: Runner = {
      async run() {
        calls++;
        if (calls === 1) throw new CommandError('kubectl get nodes', undefined, 'timed out after 30000 ms');
        return { stdout: 'n', stderr: '', exitCode: 0 };
      },
    };
    expect((await retryingKubectl(hanging, { delayMs: 1 }).run(['kubectl', 'get', 'nodes'])).stdout).toBe('n');
    expect(calls).toBe(2);
  });
  it('passes other failures and other commands through at once', async () => {
    const notFound = scripted([{ stdout: '', stderr: 'Error from server (NotFound)', exitCode: 1 }]);
    await expect(retryingKubectl(notFound, { delayMs: 1 }).run(['kubectl', 'get', 'pod', 'x'])).rejects.toThrow(/NotFound/);
    expect(notFound.calls).toHaveLength(1);
    const docker = scripted([tls]);
    expect((await retryingKubectl(docker, { delayMs: 1 }).run(['docker', 'exec', 'n', 'true'], { check: false })).exitCode).toBe(1);
    expect(docker.calls).toHaveLength(1);
  });
  it('never retries what passThrough names (kubectl exec: the remote command may have run)', async () => {
    // A stream dropped mid-command: the remote command may have run (unlike a stream never set up, below).
    const dropped = { stdout: '', stderr: 'error: read tcp 127.0.0.1:52514->127.0.0.1:42429: read: connection reset by peer', exitCode: 1 };
    const exec = scripted([dropped, { stdout: 'ok', stderr: '', exitCode: 0 }]);
    const r = await retryingKubectl(exec, { delayMs: 1, passThrough: (argv) => argv.includes('exec') }).run(['kubectl', '--context', 'kind-x', 'exec', '-n', 'ns', 'pod', '--', 'nft', '-f', '-'], { check: false });
    expect(r.exitCode).toBe(1);
    expect(exec.calls).toHaveLength(1);
  });
  it("retries a passThrough exec whose stream was never set up (measured: the kubelet's authorization of the exec failed on a starved API server)", async () => {
    const authz = { stdout: '', stderr: 'error: unable to upgrade connection: Authorization error (user=kube-apiserver-kubelet-client, verb=create, resource=nodes, subresource=proxy)', exitCode: 1 };
    const exec = scripted([authz, { stdout: 'table inet x', stderr: '', exitCode: 0 }]);
    const said: string[] = [];
    const r = await retryingKubectl(exec, { delayMs: 1, say: (l) => said.push(l), passThrough: (argv) => argv.includes('exec') }).run(['kubectl', '--context', 'kind-x', 'exec', '-n', 'ns', 'pod', '--', 'nft', 'list', 'ruleset']);
    expect(r.stdout).toBe('table inet x');
    expect(exec.calls).toHaveLength(2);
    expect(said[0]).toMatch(/never set up .*Authorization error.*retry 1\/5/);
    const noServer = scripted([{ stdout: '', stderr: 'Unable to connect to the server: context deadline exceeded (Client.Timeout exceeded while awaiting headers)', exitCode: 1 }, { stdout: '', stderr: '', exitCode: 0 }]);
    expect((await retryingKubectl(noServer, { delayMs: 1, passThrough: () => true }).run(['kubectl', 'exec', 'p', '--', 'nft', 'delete', 'table', 'ip', 'rl_x_evidence'])).exitCode).toBe(0);
    expect(noServer.calls).toHaveLength(2);
    const never = scripted(Array.from({ length: 6 }, () => authz));
    await expect(retryingKubectl(never, { delayMs: 1, passThrough: () => true }).run(['kubectl', 'exec', 'p', '--', 'true'])).rejects.toThrow(/unable to upgrade connection/);
    expect(never.calls).toHaveLength(6);
  });
});
