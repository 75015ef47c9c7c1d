/**
 * A short packet capture inside the lab's server namespace (never on a host interface):
 * tcpdump sees every RST to or from the server port during an arm: the client side's RSTs
 * provoked by leaked segments (their seq is the forged segment's ack) and the server's own
 * RSTs (it answers segments for a socket it no longer has). Only RSTs pass the kernel filter,
 * so the capture costs nothing while nothing resets. Bounded by `timeout` at the arm's
 * deadline; the caller registers `kill` for cleanup at birth.
 */
import { execa, type ResultPromise } from 'execa';
import { parseTcpdump } from '../counters/parse-tcpdump.js';
import type { LabNode } from '../lab/lab.js';

/** A running capture. */
export interface StartedRstCapture {
  /** Resolves once tcpdump listens (or rejects with its stderr if it exits first). */
  readonly ready: Promise<void>;
  /** SIGTERM, then what it printed: one line per RST (tcpdump's own text, parsed by counters/parse-tcpdump.ts). */
  stop(): Promise<{ lines: string[]; stderr: string }>;
  /** Cleanup path: SIGTERM too (`timeout` passes it on to tcpdump; a SIGKILL would orphan tcpdump). */
  kill(): void;
}

/** The tcpdump argv for RSTs on `serverPort` (any interface of the namespace, absolute seq numbers). */
export function rstCaptureArgv(serverPort: number, deadlineMs: number): string[] {
  const seconds = Math.max(1, Math.ceil(deadlineMs / 1000));
  return [
    'timeout', String(seconds), 'tcpdump', '-i', 'any', '-n', '-tt', '-S', '-l', '--immediate-mode', '-Z', 'root', '-s', '96',
    `tcp port ${serverPort} and (tcp[tcpflags] & tcp-rst) != 0`,
  ];
}

/** Starts the capture in `node` (the server's namespace). */
export function startRstCapture(node: LabNode, serverPort: number, deadlineMs: number, readyTimeoutMs: number): StartedRstCapture {
  const argv = node.wrap(rstCaptureArgv(serverPort, deadlineMs));
  const child: ResultPromise = execa(argv[0]!, argv.slice(1), { reject: false, stdin: 'ignore', buffer: { stdout: false, stderr: false } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  let markReady!: () => void;
  let fail!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    markReady = res;
    fail = rej;
  });
  ready.catch(() => undefined);
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
    if (/listening on/.test(stderr)) markReady();
  });
  const timer = setTimeout(() => fail(new Error(`tcpdump did not start listening within ${readyTimeoutMs} ms: ${stderr.trim().slice(-200)}`)), readyTimeoutMs);
  const exited = child.then(() => {
    clearTimeout(timer);
    fail(new Error(`tcpdump exited before listening: ${stderr.trim().slice(-200)}`));
  });
  void ready.then(() => clearTimeout(timer), () => clearTimeout(timer));
  return {
    ready,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      return { lines: stdout.split('\n').filter((l) => parseTcpdump(l).length > 0), stderr };
    },
    kill: () => {
      child.kill('SIGTERM');
    },
  };
}
