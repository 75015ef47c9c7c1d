/**
 * Starting an agent (its own Node process) inside a lab node and reading its JSON lines.
 * The handle is registered for cleanup by the caller at birth; `stop()` sends SIGTERM and
 * waits for the `result` line, escalating to SIGKILL at the deadline (the arm is then marked
 * disturbed by the caller). An agent also exits by itself when its stdin closes.
 * Nodes that start agents in containers (the kind driver) provide `spawnAgent`, which returns
 * the same handle backed by a container (harness/containers/agent-container.ts).
 */
import { execa, type ResultPromise } from 'execa';
import { agentModule } from '../repo-root.js';
import { commandLine } from '../exec/runner.js';
import { AgentLines } from './agent-lines.js';

/** Anything that can wrap an argv to run inside a lab node (a `LabNode`). */
export interface Wrapper {
  /** The node's name; it carries the run's prefix and is appended to the agent's argv. */
  readonly id: string;
  wrap(argv: readonly string[]): string[];
  /**
   * Optional: starts the agent itself (in a container) instead of a local process running
   * `wrap(argv)`. `argv` is the host form `[node, <repo>/dist/harness/agents/<name>.js, ...]`.
   */
  spawnAgent?(name: AgentName, argv: readonly string[], deadlineMs: number): StartedAgent;
}

/** Agent names: compiled modules under dist/harness/agents/. */
export type AgentName = 'server' | 'load' | 'inject';

/** How an agent ended: its result line (if any), and the process's exit code, signal and stderr. */
export interface AgentExit {
  result: Record<string, unknown> | null;
  killedAtDeadline: boolean;
  stderr: string;
  exitCode?: number | null;
  signal?: string | null;
  /** Set when the result came from the agent's own copy of its output (AgentProcessOptions.afterClientEnd). */
  recovered?: string;
}

/**
 * "exit 1", "killed by SIGKILL at its deadline", ... plus the stderr: its first error line
 * (`TypeError: ...`, the message a stack trace starts with) when the tail does not hold it,
 * then the tail. Why an agent gave no result.
 */
export function describeAgentExit(out: AgentExit): string {
  const how = out.signal ? `killed by ${out.signal}${out.killedAtDeadline ? ' at its deadline' : ''}` : `exit ${out.exitCode ?? 'unknown'}`;
  const all = out.stderr.trim().split('\n');
  const tailLines = all.slice(-5);
  const tail = tailLines.join(' | ').slice(-300);
  const first = all.find((l) => /^\s*(\w*Error|Uncaught \w+|RuntimeError)\b.*:/.test(l) || /^\s*\w*Error$/.test(l));
  const head = first && !tail.includes(first.trim()) ? `${first.trim().slice(0, 300)} ... ` : '';
  return tail ? `${how}; stderr: ${head}${tail}` : `${how}; no stderr`;
}

/** A running agent. */
export interface StartedAgent {
  readonly name: AgentName;
  /** Resolves with the `ready` event; rejects if the agent exits or errs first. */
  readonly ready: Promise<Record<string, unknown>>;
  /**
   * Warm start only (an agent started with `startOnSignal`, e.g. the load agent): resolves with
   * the `armed` event (loaded, waiting); rejects if the agent exits or errs first.
   */
  readonly armed?: Promise<Record<string, unknown>>;
  /** Warm start only: sends the start signal (SIGUSR2) and starts the deadline from now. */
  go?(): void;
  /** Resolves with the `result` event (or null if the agent died without one) when the process exits. */
  readonly finished: Promise<AgentExit>;
  /** Called for every `tick` event. */
  onTick(listener: (tick: Record<string, unknown>) => void): void;
  /** Called for every `count` event (the load agent with `countEveryMs`). */
  onCount(listener: (count: Record<string, unknown>) => void): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves like `finished`. */
  stop(graceMs?: number): Promise<AgentExit>;
  /** SIGKILL now (cleanup path); a container-backed agent resolves once its container is gone. */
  kill(): void | Promise<void>;
}

/** A promise of an agent event with its resolve and reject; an unobserved rejection is not reported. */
function eventPromise(): [Promise<Record<string, unknown>>, (v: Record<string, unknown>) => void, (e: Error) => void] {
  let resolve!: (v: Record<string, unknown>) => void;
  let reject!: (e: Error) => void;
  const p = new Promise<Record<string, unknown>>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  p.catch(() => undefined);
  return [p, resolve, reject];
}

/** How long a warm-started agent may wait for `go()` beyond its deadline (a slow arm set-up). */
export const WARM_WAIT_MS = 120_000;

/** Starts `name` with `args` inside `node`; the process is SIGKILLed if still alive after `deadlineMs`. */
export function startAgent(node: Wrapper, name: AgentName, args: unknown, deadlineMs: number): StartedAgent {
  // The node id (with the run's prefix) rides along in argv so the process can be found by prefix.
  const hostArgv = [process.execPath, agentModule(name), JSON.stringify(args), `--rl-node=${node.id}`];
  if (node.spawnAgent) return node.spawnAgent(name, hostArgv, deadlineMs);
  const warm = typeof args === 'object' && args !== null && (args as { startOnSignal?: unknown }).startOnSignal === true;
  return startAgentProcess(name, node.wrap(hostArgv), deadlineMs, { warm });
}

/** How `startAgentProcess` runs one agent. */
export interface AgentProcessOptions {
  /** Warm start (`startOnSignal`): `go()` sends SIGUSR2. */
  warm?: boolean;
  /**
   * A graceful stop other than SIGTERM to the local process, for a local process that is only
   * a client of the agent (`kubectl exec`: a signal to kubectl never reaches the agent, and
   * kubectl killed early loses the result line). It must make the agent print its result and
   * exit; SIGKILL of the local process still follows after the grace.
   */
  stop?: (local: { closeStdin(): void }) => void | Promise<void>;
  /**
   * For a local process that is only a client of the agent (`kubectl exec`), whose stream may
   * end while the agent runs on: called when the client ends without a result line; resolves
   * once the agent itself has ended with its whole output (or null), from which the result is
   * taken. A client killed after `stop` then counts as no deadline kill: the agent's own
   * output says how it ended. `signal` aborts when the agent is killed (cleanup): resolve at once.
   */
  afterClientEnd?: (signal: AbortSignal) => Promise<string | null>;
  /**
   * For a local process that is only a client of the agent (`kubectl exec`): whether a client
   * that ended having printed nothing on stdout never started the agent at all (its stream was
   * never set up, e.g. the kubelet's authorization check of the exec timed out against a starved
   * API server). Such a start is tried again, `retry.delayMs` x attempt apart, up to
   * `retry.attempts` starts in all; `retry.say` hears each.
   */
  retryStart?: { neverStarted: (r: { stderr: string; exitCode: number | null }) => boolean; attempts: number; delayMs: number; say?: (line: string) => void };
}

/**
 * Runs `argv` (a local process that is, or reaches, the agent) and reads the agent's lines
 * from its stdout; the local process is SIGKILLed if still alive after `deadlineMs`.
 */
export function startAgentProcess(name: AgentName, argv: readonly string[], deadlineMs: number, options: AgentProcessOptions = {}): StartedAgent {
  let sawStdout = false;
  const spawn = (): ResultPromise => {
    const c = execa(argv[0]!, argv.slice(1), {
      stdin: 'pipe',
      reject: false,
      buffer: { stdout: false, stderr: true },
      forceKillAfterDelay: false,
    });
    c.stdout?.on('data', (chunk: Buffer) => {
      sawStdout = true;
      lines.feed(chunk);
    });
    return c;
  };
  const tickListeners: ((t: Record<string, unknown>) => void)[] = [];
  const countListeners: ((t: Record<string, unknown>) => void)[] = [];
  let killedAtDeadline = false;
  const killed = new AbortController();
  const warm = options.warm === true;
  const [armed, resolveArmed, rejectArmed] = eventPromise();
  const [ready, resolveReady, rejectReady] = eventPromise();
  const lines = new AgentLines({
    ready: (e) => resolveReady(e),
    armed: (e) => resolveArmed(e),
    tick: (e) => tickListeners.forEach((l) => l(e)),
    count: (e) => countListeners.forEach((l) => l(e)),
    error: (e) => {
      rejectReady(new Error(`${name} agent: ${String(e.message)}`));
      rejectArmed(new Error(`${name} agent: ${String(e.message)}`));
    },
  });
  let child = spawn();
  let stopping = false;
  const kill = () => {
    killedAtDeadline = true;
    child.kill('SIGKILL');
  };
  // A warm agent waits for go() before its load starts: its deadline then starts again.
  let deadline = setTimeout(kill, warm ? deadlineMs + WARM_WAIT_MS : deadlineMs);
  /** The client's exit, after any start that never reached the agent was tried again. */
  const clientExit = async () => {
    for (let attempt = 1; ; attempt++) {
      const r = await child;
      const retry = options.retryStart;
      const again = retry && !sawStdout && !killedAtDeadline && !stopping && !killed.signal.aborted && attempt < retry.attempts && retry.neverStarted({ stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? null });
      if (!again) return r;
      const last = String(r.stderr ?? '').trim().split('\n').at(-1)?.slice(0, 160) ?? '';
      retry.say?.(`${name} agent: its start never reached the agent (${last}); start ${attempt + 1}/${retry.attempts} in ${(retry.delayMs * attempt) / 1000} s`);
      await new Promise((res) => setTimeout(res, retry.delayMs * attempt));
      if (killedAtDeadline || stopping || killed.signal.aborted) return r;
      child = spawn();
    }
  };
  const finished = clientExit().then(async (r) => {
    lines.end();
    let result = lines.result;
    let recovered: string | undefined;
    if (!result && options.afterClientEnd && !killed.signal.aborted) {
      // The stream ended first: the agent's own copy of its output, once it has ended.
      const text = await options.afterClientEnd(killed.signal).catch(() => null);
      const again = new AgentLines({ ready: (e) => resolveReady(e), armed: (e) => resolveArmed(e) });
      if (text) again.feed(text);
      again.end();
      result = again.result;
      if (result) recovered = 'its stream ended early; the result was read from its events file';
    }
    clearTimeout(deadline);
    const stderr = String(r.stderr ?? '');
    rejectReady(new Error(`failed to start the ${name} agent (\`${commandLine(argv)}\` exited ${r.exitCode ?? r.signal}): ${stderr.trim().split('\n').slice(-5).join('\n')}`));
    rejectArmed(new Error(`the ${name} agent exited before it was armed (${r.exitCode ?? r.signal})`));
    return { result, killedAtDeadline, stderr, exitCode: r.exitCode ?? null, signal: r.signal ?? null, ...(recovered ? { recovered } : {}) };
  });
  let ended = false;
  void finished.then(() => (ended = true));
  return {
    name,
    ready,
    finished,
    ...(warm
      ? {
          armed,
          go: () => {
            clearTimeout(deadline);
            deadline = setTimeout(kill, deadlineMs);
            child.kill('SIGUSR2');
          },
        }
      : {}),
    onTick: (l) => tickListeners.push(l),
    onCount: (l) => countListeners.push(l),
    stop: async (graceMs = 5000) => {
      const clientAlive = child.exitCode === null && child.signalCode === null;
      // A client-only process (afterClientEnd) may have ended while the agent runs on: stop the agent anyway.
      if (ended || (!clientAlive && !options.afterClientEnd)) return finished;
      stopping = true;
      if (options.stop) await Promise.resolve(options.stop({ closeStdin: () => child.stdin?.end() })).catch(() => undefined);
      else child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        // A client killed after its agent was stopped is not a deadline kill (afterClientEnd decides).
        killedAtDeadline = options.afterClientEnd === undefined;
        child.kill('SIGKILL');
      }, graceMs);
      const out = await finished;
      clearTimeout(timer);
      return out;
    },
    kill: () => {
      killed.abort();
      child.kill('SIGKILL');
    },
  };
}
