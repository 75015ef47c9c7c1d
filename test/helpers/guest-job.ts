/**
 * A background guest job's result, for the test file that owns it: the job `npm test` started
 * at the beginning of the run (guest-prewarm.ts), waited for; or, when there is none (the file
 * run alone, or not as root with a bootable kernel), the same command run here with the host
 * read before and after. Missing output files read as empty, so a job that died early fails
 * its test's assertions with its stderr rather than throwing here.
 */
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';
import type { GuestJobName } from './guest-prewarm.js';
import { snapshotHost, type HostState } from './host-state.js';

/** What a guest job left: the CLI's stdout and stderr, its exit code, the host around it. */
export interface GuestJobResult {
  stdout: string;
  stderr: string;
  /** null when the job ended on a signal or never started. */
  exitCode: number | null;
  hostBefore: HostState;
  hostAfter: HostState;
}

/** See module doc. `argv` follows `node bin/resetlab.js`; `label` tags the waiting line on stderr. */
export async function guestJobResult(name: GuestJobName, argv: string[], label: string): Promise<GuestJobResult> {
  const job = inject('guestJobs')?.[name];
  if (!job) {
    const hostBefore = await snapshotHost();
    const r = await execa('node', [join(REPO_ROOT, 'bin', 'resetlab.js'), ...argv], { reject: false, timeout: 39 * 60_000 });
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? null, hostBefore, hostAfter: await snapshotHost() };
  }
  process.stderr.write(`${label}: waiting for the guest job started in the background (${job.stderr})\n`);
  while (!existsSync(job.rc)) await new Promise((res) => setTimeout(res, 2000));
  const rc = readFileSync(job.rc, 'utf8');
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  return {
    stdout: read(job.stdout),
    stderr: read(job.stderr),
    exitCode: /^\d+$/.test(rc) ? Number(rc) : null,
    hostBefore: JSON.parse(read(job.hostBefore) || '{}') as HostState,
    hostAfter: JSON.parse(read(job.hostAfter) || '{}') as HostState,
  };
}
