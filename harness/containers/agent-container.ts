/**
 * An agent in a container, behind the same `StartedAgent` handle as a local agent process
 * (exec/agent-process.ts). testcontainers starts it; the wait strategy is the agent's
 * `ready` (or `error`) line; the log stream carries ticks and the `result` line. There is no
 * stdin: `stop()` is the started container's `stop()` (SIGTERM, SIGKILL after the grace),
 * then the log stream is read to its end (and, if it ended without the `result`, the whole log
 * once more) and the container removed. At `deadlineMs` it is
 * stopped at once (marked killed at the deadline). The caller registers `kill()` for cleanup
 * at birth; the run's label lets `resetlab cleanup` (or Ryuk) remove it after a crash.
 */
import { Wait, type StartedTestContainer } from 'testcontainers';
import type { AgentName, StartedAgent } from '../exec/agent-process.js';
import { AgentLines } from '../exec/agent-lines.js';
import type { ContainerConfig } from './container-config.js';
import { wholeLog } from './docker-log.js';
import { exitCode, genericContainer, removeContainer } from './generic.js';
import { containerRuntime } from './runtime.js';

/** Default time for the image to start and the agent to print `ready`. */
export const AGENT_STARTUP_MS = 60_000;
/** Exit code of a process killed with SIGKILL (docker stop escalated). */
const SIGKILLED = 137;

type Finished = Awaited<StartedAgent['finished']>;

/** Starts the agent `name` as `config` (see module doc); returns at once, like `startAgent`. */
export function startAgentContainer(config: ContainerConfig, name: AgentName, deadlineMs: number, startupMs = AGENT_STARTUP_MS): StartedAgent {
  const tickListeners: ((t: Record<string, unknown>) => void)[] = [];
  const countListeners: ((t: Record<string, unknown>) => void)[] = [];
  let killedAtDeadline = false;
  let stopping = false;
  let readyEvent: Record<string, unknown> | null = null;
  let errorEvent: string | null = null;
  let streamEnded!: () => void;
  const ended = new Promise<void>((resolve) => (streamEnded = resolve));
  // Settles when our log stream shows `ready` or `error`, or ends.
  let firstWord!: () => void;
  const answered = new Promise<void>((resolve) => (firstWord = resolve));
  void ended.then(() => firstWord());
  const lines = new AgentLines({
    ready: (e) => {
      readyEvent = e;
      firstWord();
    },
    tick: (e) => tickListeners.forEach((l) => l(e)),
    count: (e) => countListeners.forEach((l) => l(e)),
    error: (e) => {
      errorEvent = String(e.message);
      firstWord();
    },
  });
  const builder = genericContainer(config)
    .withWaitStrategy(Wait.forLogMessage(/"event":"(ready|error)"/))
    .withStartupTimeout(startupMs)
    .withLogConsumer((stream) => {
      stream.on('data', (chunk: string | Buffer) => lines.feed(chunk));
      stream.on('end', () => streamEnded());
      stream.on('error', () => streamEnded());
    });
  // Ryuk is decided (runtime.ts) before the first container of the process starts.
  const started: Promise<StartedTestContainer> = containerRuntime().then(() => builder.start());
  started.catch(() => undefined);

  const describe = () => `${config.name} (${config.image} ${config.command.join(' ').slice(0, 120)})`;
  // The wait strategy reads its own log stream; ours sees the same line (or ends) right after.
  const ready = started.then(async () => {
    await answered;
    if (errorEvent !== null) throw new Error(`${name} agent: ${errorEvent}`);
    if (readyEvent === null) throw new Error(`failed to start the ${name} agent in ${describe()}: no ready line`);
    return readyEvent;
  }, (error: unknown) => {
    throw new Error(`failed to start the ${name} agent in container ${describe()}: ${(error as Error).message}\n${lines.otherText().split('\n').slice(-5).join('\n')}`.trim(), { cause: error });
  });
  ready.catch(() => undefined);

  const deadline = setTimeout(() => {
    killedAtDeadline = true;
    void halt(0);
  }, deadlineMs);

  /** Stops the container with `graceMs` (SIGTERM, then SIGKILL), once. */
  async function halt(graceMs: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    const c = await started.catch(() => null);
    if (!c) return;
    // docker stop takes whole seconds: round up, so a grace never becomes an immediate SIGKILL.
    await c.stop({ timeout: graceMs === 0 ? 0 : Math.max(1000, Math.ceil(graceMs / 1000) * 1000), remove: false }).catch(() => undefined);
  }

  const finished: Promise<Finished> = started.then(
    async (c) => {
      // The log stream ends when the container exits (by itself, by stop, or at the deadline).
      await ended;
      clearTimeout(deadline);
      lines.end();
      if (stopping && (await exitCode(c)) === SIGKILLED) killedAtDeadline = true;
      // A follow can end before the last lines when the agent exits right after printing its
      // result (docker-log.ts): then the whole log, read once more, is the agent's output.
      let read: AgentLines = lines;
      if (lines.result === null) {
        const again = new AgentLines();
        const text = await wholeLog(c.getId()).catch(() => null);
        if (text !== null) {
          again.feed(text);
          again.end();
          read = again;
        }
      }
      await removeContainer(c.getId()).catch(() => undefined);
      return { result: read.result, killedAtDeadline, stderr: read.otherText() };
    },
    (error: unknown) => {
      clearTimeout(deadline);
      // testcontainers removed the container that failed to become ready.
      return { result: null, killedAtDeadline, stderr: `${(error as Error).message}\n${lines.otherText()}`.trim() };
    },
  );

  return {
    name,
    ready,
    finished,
    onTick: (l) => tickListeners.push(l),
    onCount: (l) => countListeners.push(l),
    stop: async (graceMs = 5000) => {
      await halt(graceMs);
      return finished;
    },
    kill: async () => {
      await halt(0);
      await finished;
    },
  };
}
