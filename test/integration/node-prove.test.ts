/**
 * `node prove` for real: one `--fix` run boots stock Debian bookworm (systemd) with Debian's
 * 6.1 kernel twice under QEMU TCG: as given (only the sysctl.d line) be_liberal is lost (0,
 * with systemd-sysctl's complaint and the unit order as evidence), with `node persist
 * --apply` it is kept (1), and the command exits 0. Also: bad flags exit 2 before anything
 * exists, a boot that fails exits 2 with the console's last lines, and no qemu of ours is left. Uses the real caches (the rootfs and the kernel are
 * built/fetched once, then reused). Two TCG boots take about 30 s each on an idle 2-core
 * machine, a few minutes when other guests share it.
 */
import { execa } from 'execa';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKernel } from '../../harness/kernels/resolve.js';
import { findQemuProcesses } from '../../harness/qemu/orphans.js';
import { REPO_ROOT } from '../../harness/repo-root.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');
const PREFETCHED = { vmlinuz: '/var/tmp/rl-kernels/6.1/boot/vmlinuz-6.1.0-56-amd64', modules: '/var/tmp/rl-kernels/6.1/lib/modules/6.1.0-56-amd64' };

/** The --kernel flags, or why this machine cannot run the test. */
async function kernelFlags(): Promise<string[] | string> {
  if (process.getuid?.() !== 0) return 'needs root (debootstrap, the run owner file)';
  for (const b of ['qemu-system-x86_64', 'debootstrap', 'setpriv']) {
    if ((await execa('sh', ['-c', `PATH=$PATH:/usr/sbin:/sbin command -v ${b}`], { reject: false })).exitCode !== 0) return `needs ${b}`;
  }
  try {
    await resolveKernel({ kind: 'series', series: '6.1' }, { say: (l) => process.stderr.write(l + '\n') });
    return ['--kernel', '6.1'];
  } catch (error) {
    if (existsSync(PREFETCHED.vmlinuz)) return ['--kernel', PREFETCHED.vmlinuz, '--modules', PREFETCHED.modules];
    return `no 6.1 kernel (${(error as Error).message})`;
  }
}

const kernel = await kernelFlags();
const ours = () => findQemuProcesses().filter((p) => p.name.includes('-prove-'));

describe('node prove: bad input', () => {
  it('exit 2 with every problem as file: field: message, and no results folder', async () => {
    const out = await mkdtemp(join(tmpdir(), 'rl-prove-bad-'));
    const r = await execa('node', [bin, 'node', 'prove', '--init', 'openrc', '--root', '/nonexistent', '--out', join(out, 'r')], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('flags: --init: unknown init "openrc"');
    expect(r.stderr).toContain('flags: --root: /nonexistent is not a directory');
    expect(existsSync(join(out, 'r'))).toBe(false);
    await rm(out, { recursive: true, force: true });
  });
});

describe.skipIf(typeof kernel === 'string')(`node prove: a real boot${typeof kernel === 'string' ? ` (skipped: ${kernel})` : ''}`, () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'rl-prove-it-'));
  });
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('stock Debian + the sysctl.d line: lost (0) as given, kept (1) with --fix; exit 0; report written; no qemu left', async () => {
    const t0 = Date.now();
    const r = await execa('node', [bin, 'node', 'prove', ...(kernel as string[]), '--fix', '--accel', 'tcg', '--out', out, '--json'], { reject: false, timeout: 25 * 60_000 });
    process.stderr.write(`node prove --fix took ${((Date.now() - t0) / 1000).toFixed(0)} s\n${r.stderr}\n`);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.schema).toBe('resetlab/node-prove@1');
    const [before, after] = doc.boots;
    expect(before.evidence).toMatchObject({ liberalAfterBoot: 'absent', liberalAfterProxy: '0', conntrackOrigin: { kind: 'proxy-step' } });
    expect(before.evidence.sysctlSkipped).toMatch(/^Couldn't write '1' to 'net\/netfilter\/nf_conntrack_tcp_be_liberal'/);
    const [ml, sc] = before.evidence.units;
    expect([ml.unit, sc.unit]).toEqual(['systemd-modules-load.service', 'systemd-sysctl.service']);
    expect(ml.finishedAt).toBeLessThanOrEqual(sc.startedAt);
    expect(after.evidence).toMatchObject({ liberalAfterBoot: '1', liberalAfterProxy: '1', conntrackOrigin: { kind: 'modules-load' } });
    // The unit order is the proof (the journal's time of "Inserted module" is when journald got it).
    expect(after.evidence.units[0].finishedAt).toBeLessThanOrEqual(after.evidence.units[1].startedAt);
    expect(after.evidence.journal.map((l: { message: string }) => l.message)).toContain("Inserted module 'nf_conntrack'");
    expect(doc.verdict).toMatchObject({ outcome: 'kept', exitCode: 0 });
    const [dir] = readdirSync(out);
    for (const f of ['result.json', 'summary.md', 'report.html', 'boot-before/console.log', 'boot-after/out/journal.txt']) expect(existsSync(join(out, dir!, f)), f).toBe(true);
    expect(existsSync(join(out, dir!, 'boot-before/initramfs.cpio'))).toBe(false);
    expect(ours()).toEqual([]);
  }, 30 * 60_000);

  it('a boot that fails (here: qemu refuses the "kernel") exits 2 with the console tail, and leaves no qemu', async () => {
    const modules = await resolveKernel({ kind: 'series', series: '6.1' }, { offline: true }).then((k) => k.modulesDir, () => PREFETCHED.modules);
    const r = await execa('node', [bin, 'node', 'prove', '--kernel', '/bin/sh', '--modules', modules, '--accel', 'tcg', '--out', join(out, 'fail')], { reject: false, timeout: 10 * 60_000 });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/failed to boot the before node: the guest ended \(qemu exit 1\) before the evidence was collected\. Console \(.*console\.log\), last lines:\nqemu-system-x86_64: /);
    expect(ours()).toEqual([]);
  }, 15 * 60_000);
});
