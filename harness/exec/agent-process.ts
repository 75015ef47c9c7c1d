/**
 * Starting an agent (its own Node process) inside a lab node and reading its JSON lines.
 * The handle is registered for cleanup by the caller at birth; `stop()` sends SIGTERM and
 * waits for the `result` line, escalating to SIGKILL at the deadline (the arm is then marked
 * disturbed by the caller). An agent also exits by itself when its stdin closes.
 */
import { execa, type ResultPromise } from 'execa';
import { agentModule } from '../repo-root.js';
import { commandLine } from '../exec/runner.js';
/** Anything that can wrap an argv to run inside a lab node (a `LabNode`). */
export interface Wrapper {
  /** The node's name; it carries the run's prefix and is appended to the agent's argv. */
  readonly id: string;
  wrap(argv: readonly string[]): string[];
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
}

/** "exit 1", "killed by SIGKILL at its deadline", ... plus the stderr tail: why an agent gave no result. */
export function describeAgentExit(out: AgentExit): string {
  const how = out.signal ? `killed by ${out.signal}${out.killedAtDeadline ? ' at its deadline' : ''}` : `exit ${out.exitCode ?? 'unknown'}`;
  const tail = out.stderr.trim().split('\n').slice(-5).join(' | ').slice(-300);
  return tail ? `${how}; stderr: ${tail}` : `${how}; no stderr`;
}

/** A running agent. */
export interface StartedAgent {
  readonly name: AgentName;
  /** Resolves with the `ready` event; rejects if the agent exits or errs first. */
  readonly ready: Promise<Record<string, unknown>>;
  /** Resolves with the `result` event (or null if the agent died without one) when the process exits. */
  readonly finished: Promise<AgentExit>;
  /** Called for every `tick` event. */
  onTick(listener: (tick: Record<string, unknown>) => void): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves like `finished`. */
  stop(graceMs?: number): Promise<AgentExit>;
  /** SIGKILL now (cleanup path). */
  kill(): void;
}


/** Starts `name` with `args` inside `node`; the process is SIGKILLed if still alive after `deadlineMs`. */
export function startAgent(node: Wrapper, name: AgentName, args: unknown, deadlineMs: number): StartedAgent {
  // The node id (with the run's prefix) rides along in argv so the process can be found by prefix.
  const argv = node.wrap([process.execPath, agentModule(name), JSON.stringify(args), `--rl-node=${node.id}`]);
  const child: ResultPromise = execa(argv[0]!, argv.slice(1), {
    stdin: 'pipe',
    reject: false,
    buffer: { stdout: false, stderr: true },
    forceKillAfterDelay: false,
  });
  const tickListeners: ((t: Record<string, unknown>) => void)[] = [];
  let result: Record<string, unknown> | null = null;
  let killedAtDeadline = false;
  let resolveReady!: (v: Record<string, unknown>) => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<Record<string, unknown>>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => undefined);
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (event.event === 'ready') resolveReady(event);
      else if (event.event === 'tick') tickListeners.forEach((l) => l(event));
      else if (event.event === 'result') result = event;
      else if (event.event === 'error') rejectReady(new Error(`${name} agent: ${String(event.message)}`));
    }
  });
  const deadline = setTimeout(() => {
    killedAtDeadline = true;
    child.kill('SIGKILL');
  }, deadlineMs);
  const finished = child.then((r) => {
    clearTimeout(deadline);
    const stderr = String(r.stderr ?? '');
    rejectReady(new Error(`failed to start the ${name} agent (\`${commandLine(argv)}\` exited ${r.exitCode ?? r.signal}): ${stderr.trim().split('\n').slice(-5).join('\n')}`));
    return { result, killedAtDeadline, stderr, exitCode: r.exitCode ?? null, signal: r.signal ?? null };
  });
  return {
    name,
    ready,
    finished,
    onTick: (l) => tickListeners.push(l),
    stop: async (graceMs = 5000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          killedAtDeadline = true;
          child.kill('SIGKILL');
        }, graceMs);
        const out = await finished;
        clearTimeout(timer);
        return out;
      }
      return finished;
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}
