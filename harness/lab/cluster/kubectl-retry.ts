/**
 * A Runner that retries kubectl when the API server did not answer (TLS handshake timeout,
 * connection refused, client timeouts, an overloaded server, or kubectl itself hanging past
 * its deadline, 120 s unless the caller gives one), for clusters in an emulated
 * guest: measured in a 6.1 TCG guest, `kubectl apply` of the run's workloads failed with "TLS
 * handshake timeout" while `kind load` kept the control plane's node busy, and later with the
 * server's own "Internal error occurred: resource quota evaluation timed out" (its admission
 * gave up on a starved etcd; nothing was created). Other commands, and
 * kubectl's answers from a server (NotFound, invalid objects, a rollout timing out), pass
 * through unchanged. Retried commands are all idempotent here (apply, get, wait, logs, rollout
 * status). A `kubectl exec` is retried only when its stream was never set up (NOT_STARTED): in
 * a 6.1 guest the kubelet's authorization of the API server's exec (a SubjectAccessReview to
 * the starved server) failed with "unable to upgrade connection: Authorization error" and, not
 * retried, ended a two-scenario kube run. `isTransientKubectlFailure` and `execNeverStarted` are pure.
 */
import { CommandError, tail } from '../../errors.js';
import { commandLine, type RunOptions, type RunResult, type Runner } from '../../exec/runner.js';

/** What a kubectl that never reached (or was dropped by) the API server prints. */
export const TRANSIENT = /TLS handshake timeout|Unable to connect to the server|connection refused|i\/o timeout|Client\.Timeout exceeded|context deadline exceeded|the server is currently unable to handle the request|etcdserver: request timed out|http2: server sent GOAWAY|connection reset by peer|the server was unable to return a response|resource quota evaluation timed out|Timeout: request did not complete within/;

/**
 * What a `kubectl exec` prints when its stream was never set up, so the remote command did not
 * run: the kubelet refused or could not be reached, or the API server never answered the upgrade
 * (measured in a 6.1 guest: "Unable to connect to the server: context deadline exceeded
 * (Client.Timeout exceeded while awaiting headers)" left an evidence table on node A), or the
 * pod lookup kubectl makes before the exec failed ("Error from server (Timeout): ... (get pods
 * <name>)", measured in the same guest: it ended a run incomplete).
 */
export const NOT_STARTED = /unable to upgrade connection|error dialing backend|Unable to connect to the server|TLS handshake timeout|connect: connection refused|^Error from server \([A-Za-z]+\): .*\(get pods [\w.-]+\)$/m;

/** Whether a failed `kubectl exec` never started its remote command (pure). */
export function execNeverStarted(r: RunResult): boolean {
  return r.exitCode !== 0 && NOT_STARTED.test(`${r.stderr}\n${r.stdout}`);
}

/** Whether a failed kubectl's output says the server did not answer (pure). */
export function isTransientKubectlFailure(r: RunResult): boolean {
  return r.exitCode !== 0 && TRANSIENT.test(`${r.stderr}\n${r.stdout}`);
}

/**
 * Wraps `inner`: kubectl retried up to `attempts` times, `delayMs` x attempt apart; `say` hears
 * each retry. `passThrough` names kubectl commands not retried (the kube driver's `exec`: a
 * remote command may have run before the connection dropped) unless they never started.
 */
export function retryingKubectl(inner: Runner, o: { attempts?: number; delayMs?: number; say?: (line: string) => void; passThrough?: (argv: readonly string[]) => boolean } = {}): Runner {
  const attempts = o.attempts ?? 6;
  const delayMs = o.delayMs ?? 10_000;
  return {
    async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
      if (argv[0] !== 'kubectl') return inner.run(argv, options);
      const once = o.passThrough?.(argv) === true;
      for (let i = 1; ; i++) {
        if (once) {
          // Run as asked (its own deadline, no retry on a timeout); again only if it never started.
          const r = await inner.run(argv, { ...options, check: false });
          if (r.exitCode === 0 || !execNeverStarted(r) || i >= attempts) {
            if (r.exitCode !== 0 && options.check !== false) throw new CommandError(commandLine(argv), r.exitCode, tail(r.stderr || r.stdout));
            return r;
          }
          o.say?.(`kubectl exec: the stream was never set up (${(r.stderr || r.stdout).trim().split('\n').at(-1)?.slice(0, 160) ?? ''}); retry ${i}/${attempts - 1} in ${(delayMs * i) / 1000} s`);
          await new Promise((res) => setTimeout(res, delayMs * i));
          continue;
        }
        let r: RunResult;
        try {
          // Under emulation a kubectl that hangs on a starved API server is as transient as one refused.
          r = await inner.run(argv, { ...options, timeoutMs: options.timeoutMs ?? 120_000, check: false });
        } catch (error) {
          if (!(error instanceof CommandError) || !/timed out after/.test(error.message) || i >= attempts) throw error;
          r = { stdout: '', stderr: `Client.Timeout exceeded: ${error.message}`, exitCode: -1 };
        }
        if (r.exitCode === 0 || !isTransientKubectlFailure(r) || i >= attempts) {
          if (r.exitCode !== 0 && options.check !== false) throw new CommandError(commandLine(argv), r.exitCode, tail(r.stderr || r.stdout));
          return r;
        }
        o.say?.(`kubectl: the API server did not answer (${(r.stderr || r.stdout).trim().split('\n').at(-1)?.slice(0, 160) ?? ''}); retry ${i}/${attempts - 1} in ${(delayMs * i) / 1000} s`);
        await new Promise((res) => setTimeout(res, delayMs * i));
      }
    },
  };
}
