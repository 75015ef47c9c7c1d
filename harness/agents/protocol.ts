/**
 * The agents' wire protocol: each agent is its own Node process started inside a lab node
 * with one JSON argument; it prints one JSON object per line on stdout (`ready`, `tick`,
 * then exactly one `result` or `error`, optionally followed by one `result-more`) and exits. It stops early on SIGTERM/SIGINT and
 * exits by itself when its stdin closes (its parent died), so no agent outlives a run.
 * In a container there is no stdin to watch (testcontainers cannot attach one): the
 * container sets `RESETLAB_AGENT_STDIN=none`, is stopped by a signal, and bounds itself with
 * `RESETLAB_AGENT_LIFETIME_MS` (a graceful stop when the parent never came back).
 * With `RESETLAB_AGENT_EVENTS_FILE`, every event line is also appended to that file, so the
 * output survives a stream that ends early (a kube agent's `kubectl exec`, harness/lab/kube/node.ts).
 */
import { appendFileSync } from 'node:fs';

/** Environment variables the container layer sets for agents (harness/containers). */
export const AGENT_ENV = { stdin: 'RESETLAB_AGENT_STDIN', lifetimeMs: 'RESETLAB_AGENT_LIFETIME_MS', eventsFile: 'RESETLAB_AGENT_EVENTS_FILE' } as const;

/** A line an agent prints. */
export type AgentEvent =
  | { event: 'ready'; [k: string]: unknown }
  /** Warm start (the load agent's `startOnSignal`): loaded and waiting for SIGUSR2. */
  | { event: 'armed'; [k: string]: unknown }
  | { event: 'tick'; [k: string]: unknown }
  | { event: 'count'; [k: string]: unknown }
  | { event: 'result'; [k: string]: unknown }
  /** Fields known only after the result (merged into it by the harness; lost if the agent is killed first). */
  | { event: 'result-more'; [k: string]: unknown }
  | { event: 'error'; message: string };

/** Prints one event as a JSON line (and appends it to `RESETLAB_AGENT_EVENTS_FILE` when set). */
export function emit(event: AgentEvent): void {
  const line = JSON.stringify(event) + '\n';
  const file = process.env[AGENT_ENV.eventsFile];
  if (file) {
    try {
      appendFileSync(file, line);
    } catch {
      // The stream below still carries the event; a lost copy only loses the fallback.
    }
  }
  process.stdout.write(line);
}

/** Parses the agent's single JSON argument, or exits 2 with an `error` event. */
export function agentArgs<T>(name: string): T {
  try {
    return JSON.parse(process.argv[2] ?? '') as T;
  } catch {
    emit({ event: 'error', message: `${name}: expected one JSON argument` });
    process.exit(2);
  }
}

/**
 * Calls `stop` once on SIGTERM, SIGINT, or when stdin closes (the parent is gone); with
 * `RESETLAB_AGENT_STDIN=none`, stdin is not watched, and `RESETLAB_AGENT_LIFETIME_MS` (if set)
 * calls `stop` after that long. Without stdin the agent is kept alive until one of these
 * (a ref'd timer): otherwise an agent whose own handles all pause (the injector between two
 * segments) would end by itself, silently, with no result (found on a real kind cluster).
 */
export function onStop(stop: () => void): void {
  let stopped = false;
  const once = () => {
    if (!stopped) {
      stopped = true;
      stop();
    }
  };
  process.on('SIGTERM', once);
  process.on('SIGINT', once);
  const lifetime = Number(process.env[AGENT_ENV.lifetimeMs] ?? '');
  const noStdin = process.env[AGENT_ENV.stdin] === 'none';
  if (Number.isFinite(lifetime) && lifetime > 0) {
    const t = setTimeout(once, lifetime);
    if (!noStdin) t.unref();
  } else if (noStdin) {
    setInterval(() => undefined, 3600_000);
  }
  if (noStdin) return;
  process.stdin.on('end', once);
  process.stdin.on('close', once);
  process.stdin.resume();
}
