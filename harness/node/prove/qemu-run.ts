/**
 * Runs one qemu to completion: the guest powers itself off when its collector is done.
 * qemu is started through `setpriv --pdeathsig KILL`, so it dies with resetlab even on
 * SIGKILL; it is registered on the cleanup stack the moment it exists (SIGKILL by pid),
 * killed at the timeout or when the run is aborted (SIGINT/SIGTERM), and its pidfile is
 * in the boot's folder. The caller owns the folder.
 *
 * A minimal launcher for `node prove` only; the vm driver's supervisor (harness/lab/vm)
 * replaces it when that lands.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tail } from '../../errors.js';
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import { commandLine } from '../../exec/runner.js';

/** How a boot ended. */
export interface QemuOutcome {
  /** qemu's exit code, or null when killed. */
  exitCode: number | null;
  /** Why it was killed, when it was. */
  killed: 'timeout' | 'aborted' | null;
  seconds: number;
  /** The last lines of the serial console. */
  consoleTail: string;
  commandLine: string;
}

/** Options of `runQemu`. */
export interface RunQemuOptions {
  argv: readonly string[];
  consoleFile: string;
  timeoutMs: number;
  cleanup: CleanupStack;
  signal?: AbortSignal;
}

function readTail(file: string, lines: number): string {
  try {
    return tail(readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, ''), lines);
  } catch {
    return '(no console output)';
  }
}

/** Starts qemu and waits for it to exit (or kills it at the timeout / on abort). Never leaves it running. */
export async function runQemu(o: RunQemuOptions): Promise<QemuOutcome> {
  const started = Date.now();
  const argv = ['setpriv', '--pdeathsig', 'KILL', ...o.argv];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  o.cleanup.push(`qemu ${o.argv[2] ?? ''} (pid ${child.pid})`, async () => kill());
  let killed: QemuOutcome['killed'] = null;
  const timer = setTimeout(() => {
    killed = 'timeout';
    kill();
  }, o.timeoutMs);
  const onAbort = () => {
    killed = 'aborted';
    kill();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`failed to start qemu: ${error.message}`, { cause: error })));
    child.on('exit', (code) => resolve(code));
  }).finally(() => {
    exited = true;
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  });
  const consoleTail = readTail(o.consoleFile, 25) + (stderr.trim() ? `\nqemu: ${tail(stderr.trim(), 5)}` : '');
  return { exitCode, killed, seconds: (Date.now() - started) / 1000, consoleTail, commandLine: commandLine(o.argv) };
}
