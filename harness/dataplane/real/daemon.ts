/**
 * A long-running binary (etcd, kube-apiserver, kube-proxy) started inside a lab namespace
 * with `ip netns exec`, its stdout and stderr appended to a log file. The caller registers
 * `stop()` for cleanup at birth; deleting the namespace kills it too (cleanup.ts kills every
 * pid in a namespace first), which is how `resetlab cleanup` finds it after a crash.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { commandLine } from '../../exec/runner.js';

/** How a daemon ended. */
export interface DaemonExit {
  code: number | null;
  signal: string | null;
}

/** A running daemon. */
export interface StartedDaemon {
  readonly name: string;
  readonly pid: number;
  readonly argv: readonly string[];
  readonly logFile: string;
  /** Resolves when the process exits (any reason). */
  readonly exited: Promise<DaemonExit>;
  /** Whether it has exited. */
  hasExited(): boolean;
  /** The last `n` lines of its log. */
  lastLines(n?: number): string[];
  /** SIGTERM, SIGKILL after `graceMs`; resolves once it is gone (a paused daemon is continued first). */
  stop(graceMs?: number): Promise<DaemonExit>;
  /** SIGSTOP (pause) or SIGCONT (continue); nothing once it has exited. */
  signal(sig: 'SIGSTOP' | 'SIGCONT'): void;
}

/** The last `n` non-empty lines of a text. Pure. */
export function tailLines(text: string, n: number): string[] {
  return text.split('\n').filter((l) => l.trim() !== '').slice(-n);
}

/** Starts `argv` (already wrapped for its namespace) with output to `logFile`. */
export function startDaemon(name: string, argv: readonly string[], logFile: string): StartedDaemon {
  const fd = openSync(logFile, 'a');
  // Its own process group: a terminal's Ctrl-C reaches resetlab, which then stops it in order.
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd], env: { ...process.env, LC_ALL: 'C' }, detached: true });
  closeSync(fd);
  let done: DaemonExit | null = null;
  const exited = new Promise<DaemonExit>((resolve) => {
    child.on('exit', (code, signal) => {
      done = { code, signal };
      resolve(done);
    });
    child.on('error', (error) => {
      done = { code: -1, signal: null };
      resolve(done);
      void error;
    });
  });
  const lastLines = (n = 15) => {
    try {
      return tailLines(readFileSync(logFile, 'utf8'), n);
    } catch {
      return [];
    }
  };
  return {
    name,
    pid: child.pid ?? -1,
    argv,
    logFile,
    exited,
    hasExited: () => done !== null,
    lastLines,
    signal: (sig) => {
      if (!done) child.kill(sig);
    },
    stop: async (graceMs = 5000) => {
      if (done) return done;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const out = await exited;
      clearTimeout(timer);
      return out;
    },
  };
}

/** "etcd exited (code 1): <last lines>" for errors. */
export function describeDaemonExit(d: StartedDaemon, exit: DaemonExit): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  return `${d.name} ${how}; \`${commandLine(d.argv)}\`; last lines of ${d.logFile}:\n${d.lastLines(12).map((l) => `  ${l}`).join('\n')}`;
}
