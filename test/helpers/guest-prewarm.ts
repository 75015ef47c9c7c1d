/**
 * Global setup of the integration project: starts the slow guest jobs in the background when
 * the test run begins, one after another (the IPVS conformance in a 6.1 guest, about 6-10
 * minutes under TCG; then the kind node image check, about 3-4 minutes), so they run beside the
 * other integration files (they run one at a time and leave a core) instead of after them. Only when `RESETLAB_GUEST_PREWARM=1` (`npm test` sets it), as root, with a kernel
 * the guest can boot. conformance-vm.test.ts and kind-node-image.test.ts wait for their job's result
 * (`inject('guestJobs')`) and run the command themselves when there is none. The job is the real CLI; its stdout, stderr
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
    guestJobs: Partial<Record<GuestJobName, GuestJobFiles>>;
  }
}

/** The background guest jobs, run one after another (one guest at a time: each keeps a core busy). */
export type GuestJobName = 'conformanceIpvs' | 'kindNodeCheck';

/** The conformance job's arguments (after `node bin/resetlab.js`). */
export function conformanceIpvsArgs(kernel: string[], out: string): string[] {
  return ['kube-proxy', 'conformance', '--driver', 'vm', ...kernel, '--kube-proxy-mode', 'ipvs', '--json', '--out', out];
}

/** The node image check's arguments: one kind node booted in a 6.1 guest (kind-node-image.test.ts). */
export function kindNodeCheckArgs(kernel: string[], out: string): string[] {
  return ['kind', 'node-image', 'check', ...kernel, '--json', '--out', out];
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const jobs: Partial<Record<GuestJobName, GuestJobFiles>> = {};
  let child: ChildProcess | null = null;
  let stopped = false;
  let ended: Promise<void> = Promise.resolve();
  const kernel = process.env.RESETLAB_GUEST_PREWARM === '1' && process.getuid?.() === 0 ? await kernel61Flags() : 'not asked';
  const dir = mkdtempSync(join(tmpdir(), 'rl-guest-jobs-'));
  if (typeof kernel !== 'string') {
    const files = (name: string, argv: string[]): GuestJobFiles => ({ argv, stdout: join(dir, `${name}.json`), stderr: join(dir, `${name}.err`), rc: join(dir, `${name}.rc`), hostBefore: join(dir, `${name}.host-before.json`), hostAfter: join(dir, `${name}.host-after.json`) });
    jobs.conformanceIpvs = files('conformance', conformanceIpvsArgs(kernel, join(dir, 'out')));
    // kernel61Flags gives --kernel and its value (a series or a package version); the node check takes the same.
    jobs.kindNodeCheck = files('kind-node-check', kindNodeCheckArgs(kernel, join(dir, 'out')));
    const queue = [jobs.conformanceIpvs, jobs.kindNodeCheck];
    const start = async (f: GuestJobFiles): Promise<void> => {
      writeFileSync(f.hostBefore, JSON.stringify(await snapshotHost()));
      const [out, err] = [openSync(f.stdout, 'w'), openSync(f.stderr, 'w')];
      child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'resetlab.js'), ...f.argv], { stdio: ['ignore', out, err] });
      closeSync(out);
      closeSync(err);
      // The host is read again the moment the job ends, so other files' effects are not laid at its door; rc is written last.
      await new Promise<void>((resolve) =>
        child!.on('exit', (code, signal) => {
          void snapshotHost()
            .then((after) => writeFileSync(f.hostAfter, JSON.stringify(after)))
            .finally(() => {
              writeFileSync(f.rc, code !== null ? String(code) : `signal ${signal}`);
              resolve();
            });
        }),
      );
    };
    ended = (async () => {
      for (const f of queue) {
        // A job not started (the run was aborted first) says so, so its test does not wait forever.
        if (stopped) writeFileSync(f.rc, 'not started');
        else await start(f);
      }
    })();
  }
  project.provide('guestJobs', jobs);
  return async () => {
    stopped = true;
    const c = child as ChildProcess | null;
    if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGINT');
    // The CLI cleans up on SIGINT (a guest powers off within seconds); past two minutes, SIGTERM again and stop waiting.
    const waited = await Promise.race([ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 120_000).unref())]);
    if (!waited) (child as ChildProcess | null)?.kill('SIGTERM');
    // A failed job's output is kept for whoever reads the failure.
    const rcs = Object.values(jobs).map((f) => (existsSync(f.rc) ? readFileSync(f.rc, 'utf8') : 'none'));
    if (rcs.every((rc) => rc === '0')) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`guest-prewarm: the background jobs ended with ${rcs.join(', ')}; their output is kept in ${dir}\n`);
  };
}
