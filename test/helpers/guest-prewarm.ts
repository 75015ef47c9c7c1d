/**
 * Global setup of the integration project: starts the slow guest job (the IPVS conformance in
 * a 6.1 guest, about 6-10 minutes under TCG) in the background when the test run begins, so it
 * runs beside the other integration files (they run one at a time and leave a core) instead of
 * after them. Only when `RESETLAB_GUEST_PREWARM=1` (`npm test` sets it), as root, with a kernel
 * the guest can boot. conformance-vm.test.ts waits for the job's result (`inject('guestJobs')`)
 * and runs the command itself when there is none. The job is the real CLI; its stdout, stderr
 * and exit code go to files in a temporary folder, removed at teardown unless the job failed. A
 * job still running at teardown (an aborted test run) gets SIGINT and is waited for (at most two
 * minutes, then SIGTERM), so the CLI cleans up after itself. The guest takes one of the two
 * cores while the other files measure load: they ran about 20% slower beside it and passed
 * (.ci/run at 3b2d227, 18.7 min in all).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { snapshotHost } from './host-state.js';
import { kernel61Flags } from './vm-kernel.js';

/** Where a background job's output lands. */
export interface GuestJobFiles {
  argv: string[];
  stdout: string;
  stderr: string;
  /** Written with the exit code (or `signal NAME`) when the job ends. */
  rc: string;
  /** The host's state (snapshotHost) just before the job started, and right after it ended, as JSON. */
  hostBefore: string;
  hostAfter: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    guestJobs: { conformanceIpvs?: GuestJobFiles };
  }
}

/** The conformance job's arguments (after `node bin/resetlab.js`). */
export function conformanceIpvsArgs(kernel: string[], out: string): string[] {
  return ['kube-proxy', 'conformance', '--driver', 'vm', ...kernel, '--kube-proxy-mode', 'ipvs', '--json', '--out', out];
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const jobs: { conformanceIpvs?: GuestJobFiles } = {};
  let child: ChildProcess | null = null;
  let ended: Promise<void> = Promise.resolve();
  const kernel = process.env.RESETLAB_GUEST_PREWARM === '1' && process.getuid?.() === 0 ? await kernel61Flags() : 'not asked';
  const dir = mkdtempSync(join(tmpdir(), 'rl-guest-jobs-'));
  if (typeof kernel !== 'string') {
    const files: GuestJobFiles = { argv: conformanceIpvsArgs(kernel, join(dir, 'out')), stdout: join(dir, 'conformance.json'), stderr: join(dir, 'conformance.err'), rc: join(dir, 'conformance.rc'), hostBefore: join(dir, 'host-before.json'), hostAfter: join(dir, 'host-after.json') };
    writeFileSync(files.hostBefore, JSON.stringify(await snapshotHost()));
    const [out, err] = [openSync(files.stdout, 'w'), openSync(files.stderr, 'w')];
    child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'resetlab.js'), ...files.argv], { stdio: ['ignore', out, err] });
    closeSync(out);
    closeSync(err);
    // The host is read again the moment the job ends, so other files' effects are not laid at its door; rc is written last.
    ended = new Promise((resolve) =>
      child!.on('exit', (code, signal) => {
        void snapshotHost()
          .then((after) => writeFileSync(files.hostAfter, JSON.stringify(after)))
          .finally(() => {
            writeFileSync(files.rc, code !== null ? String(code) : `signal ${signal}`);
            resolve();
          });
      }),
    );
    jobs.conformanceIpvs = files;
  }
  project.provide('guestJobs', jobs);
  return async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    // The CLI cleans up on SIGINT (a guest powers off within seconds); past two minutes, SIGTERM again and stop waiting.
    const waited = await Promise.race([ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 120_000).unref())]);
    if (!waited) child?.kill('SIGTERM');
    // A failed job's output is kept for whoever reads the failure.
    const rc = existsSync(join(dir, 'conformance.rc')) ? readFileSync(join(dir, 'conformance.rc'), 'utf8') : 'none';
    if (rc === '0' || !jobs.conformanceIpvs) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`guest-prewarm: the background job ended with ${rc}; its output is kept in ${dir}\n`);
  };
}
