/**
 * The agents' wire protocol: each agent is its own Node process started inside a lab node
 * with one JSON argument; it prints one JSON object per line on stdout (`ready`, `tick`,
 * then exactly one `result` or `error`) and exits. It stops early on SIGTERM/SIGINT and
 * exits by itself when its stdin closes (its parent died), so no agent outlives a run.
 */

/** A line an agent prints. */
export type AgentEvent =
  | { event: 'ready'; [k: string]: unknown }
  | { event: 'tick'; [k: string]: unknown }
  | { event: 'count'; [k: string]: unknown }
  | { event: 'result'; [k: string]: unknown }
  | { event: 'error'; message: string };

/** Prints one event as a JSON line. */
export function emit(event: AgentEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
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

/** Calls `stop` once on SIGTERM, SIGINT, or when stdin closes (the parent is gone). */
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
  process.stdin.on('end', once);
  process.stdin.on('close', once);
  process.stdin.resume();
}
