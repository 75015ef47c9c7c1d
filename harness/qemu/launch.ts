/**
 * Starting and supervising one qemu process. The caller owns the run folder that holds the
 * pidfile and the console log; `startQemu` registers nothing itself, so the caller pushes
 * `stop()` onto its cleanup stack the moment the handle exists.
 *
 * Watchdogs, so that no qemu outlives resetlab:
 *  - qemu runs under `setpriv --pdeathsig KILL` (util-linux) when available: the kernel
 *    SIGKILLs it when the resetlab process dies, whatever the reason (SIGKILL included);
 *  - `-pidfile` in the run folder and the run's prefix in `-name` let `resetlab cleanup` /
 *    the next run find and kill orphans (see orphans.ts);
 *  - `timeoutMs` kills the guest when it overruns (the caller reports the console tail).
 */
import { createWriteStream, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { commandLine } from '../exec/runner.js';
import { qemuArgv, type QemuMachine } from './argv.js';
import { ConsoleTail } from './console-tail.js';

/** Options of `startQemu`. */
export interface QemuLaunch {
  machine: QemuMachine;
  /** Every console byte is appended here (the caller's run folder). */
  consoleLog: string;
  /** Called for each complete console line (CR/LF and terminal escapes stripped). */
  onLine?: (line: string) => void;
  /** SIGKILL after this long; `exited.timedOut` says so. */
  timeoutMs: number;
  /** Lines kept for error messages (default 40). */
  tailLines?: number;
}

/** How the qemu process ended. */
export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Killed by `stop()` / `kill()`. */
  stopped: boolean;
  /** The last console lines (for error messages). */
  tail: string[];
  elapsedMs: number;
}

/** A running guest. */
export interface StartedQemu {
  readonly pid: number;
  /** The command line, pasteable. */
  readonly commandLine: string;
  /** Resolves when qemu has exited (never rejects). */
  readonly exited: Promise<QemuExit>;
  /** The last console lines so far. */
  tail(): string[];
  /** SIGTERM, then SIGKILL after `graceMs` (default 3000); resolves when it is gone. */
  stop(graceMs?: number): Promise<QemuExit>;
  [Symbol.asyncDispose](): Promise<void>;
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/** The argv actually spawned: qemu's, wrapped in setpriv's parent-death signal when present. */
export function supervisedArgv(machine: QemuMachine, setpriv: string | null = SETPRIV ?? null): string[] {
  const argv = qemuArgv(machine);
  return setpriv ? [setpriv, '--pdeathsig', 'KILL', '--', ...argv] : argv;
}

/** Spawns qemu (see module doc). Throws only if the process cannot be spawned at all. */
export function startQemu(opts: QemuLaunch): StartedQemu {
  const argv = supervisedArgv(opts.machine);
  const t0 = performance.now();
  const log = createWriteStream(opts.consoleLog, { flags: 'a' });
  const tail = new ConsoleTail(opts.tailLines ?? 40);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], detached: false });
  let timedOut = false;
  let stopped = false;
  // One decoder per stream: a chunk may end inside a UTF-8 character ("rl_…_evidence" came out
  // as "rl_\ufffd\ufffd_evidence" when decoded chunk by chunk).
  const onData = (decoder: StringDecoder) => (chunk: Buffer) => {
    log.write(chunk);
    for (const line of tail.push(decoder.write(chunk))) opts.onLine?.(line);
  };
  child.stdout.on('data', onData(new StringDecoder('utf8')));
  child.stderr.on('data', onData(new StringDecoder('utf8')));
  child.stdin.on('error', () => undefined);
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs);
  const exited = new Promise<QemuExit>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      for (const line of tail.flush()) opts.onLine?.(line);
      log.end();
      resolve({ code, signal, timedOut, stopped, tail: tail.lines(), elapsedMs: performance.now() - t0 });
    };
    child.once('error', (error) => {
      tail.note(`failed to start qemu: ${error.message}`);
      finish(null, null);
    });
    child.once('close', finish);
  });
  const stop = async (graceMs = 3000): Promise<QemuExit> => {
    if (child.exitCode === null && child.signalCode === null) {
      stopped = true;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const out = await exited;
      clearTimeout(t);
      return out;
    }
    return exited;
  };
  return {
    pid: child.pid ?? -1,
    commandLine: commandLine(argv),
    exited,
    tail: () => tail.lines(),
    stop,
    [Symbol.asyncDispose]: async () => void (await stop()),
  };
}
