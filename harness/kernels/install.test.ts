import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandLine, type RunOptions, type RunResult, type Runner } from '../exec/runner.js';
import type { PackageRecord } from './apt-output.js';
import { PrivateApt } from './apt.js';
import { listCachedKernels, pruneKernels } from './cache.js';
import { installKernel, type InstallPlan } from './install.js';

const DEB = 'pretend .deb';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Plays apt-get download, dpkg-deb -x, depmod and du on the file system, like the real
 * commands would for a classic image (boot/vmlinuz-REL, lib/modules/REL) or, with
 * `usrMerged`, a trixie one (modules under usr/lib/modules).
 */
class ScriptedRunner implements Runner {
  readonly lines: string[] = [];
  constructor(private readonly opts: { usrMerged?: boolean; delayMs?: number } = {}) {}
  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.lines.push(commandLine(argv));
    const ok = (stdout = ''): RunResult => ({ stdout, stderr: '', exitCode: 0 });
    if (argv[0] === 'apt-get' && argv.at(-2) === 'download') {
      await new Promise((r) => setTimeout(r, this.opts.delayMs ?? 0));
      const [name, version] = argv.at(-1)!.split('=');
      writeFileSync(join(options.cwd!, `${name}_${version}_amd64.deb`), DEB);
      return ok();
    }
    if (argv[0] === 'dpkg-deb') {
      const tree = argv[3]!;
      const release = /linux-image-(.*)_[^_]+_amd64\.deb$/.exec(argv[2]!)![1]!.replace(/-unsigned$/, '');
      mkdirSync(join(tree, 'boot'), { recursive: true });
      writeFileSync(join(tree, 'boot', `vmlinuz-${release}`), 'bzImage');
      const modules = join(tree, ...(this.opts.usrMerged ? ['usr', 'lib'] : ['lib']), 'modules', release, 'kernel', 'net', 'netfilter', 'ipvs');
      mkdirSync(modules, { recursive: true });
      writeFileSync(join(modules, 'ip_vs.ko'), 'module');
      return ok();
    }
    if (argv[0] === 'depmod') {
      // depmod -b BASE REL reads and writes BASE/lib/modules/REL (which may be a symlink).
      writeFileSync(join(argv[2]!, 'lib', 'modules', argv[3]!, 'modules.dep'), 'kernel/net/netfilter/ipvs/ip_vs.ko:\n');
      return ok();
    }
    if (argv[0] === 'du') return ok(`4096\t${argv[2]}\n`);
    throw new Error(`unexpected command ${commandLine(argv)}`);
  }
}

function plan(version = '6.1.192-2', release = '6.1.0-56-amd64', sha256 = sha(DEB)): InstallPlan {
  const image: PackageRecord = { name: `linux-image-${release}`, version, filename: 'pool/x.deb', size: DEB.length, sha256, depends: '' };
  return { image, parts: [image], suite: 'bookworm-security', series: version.split('.').slice(0, 2).join('.') };
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rl-kinstall-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const apt = (runner: Runner) => new PrivateApt(join(root, 'apt'), { archive: 'http://mirror.invalid/debian' }, runner);
const quiet = { say: () => undefined };

describe('installKernel', () => {
  it('downloads, verifies, extracts, builds modules.dep, renames into place and drops the .deb', async () => {
    const runner = new ScriptedRunner();
    const lines: string[] = [];
    const { kernel, downloaded } = await installKernel(root, apt(runner), plan(), { runner, say: (l) => lines.push(l) });
    expect(downloaded).toBe(true);
    expect(kernel).toMatchObject({ dir: join(root, '6.1.192-2'), release: '6.1.0-56-amd64', vmlinuz: 'boot/vmlinuz-6.1.0-56-amd64', modulesDir: 'lib/modules/6.1.0-56-amd64', sha256: sha(DEB), debKept: false, sizeBytes: 4096 });
    expect(existsSync(join(kernel.dir, kernel.modulesDir, 'modules.dep'))).toBe(true);
    expect(readdirSync(root).sort()).toEqual(['6.1.192-2', 'locks']); // no .tmp-*, no .deb
    expect(JSON.parse(readFileSync(join(kernel.dir, 'kernel.json'), 'utf8'))).toMatchObject({ schema: 'resetlab/kernel@1', version: '6.1.192-2', suite: 'bookworm-security' });
    expect(lines.at(-1)).toMatch(/downloaded in .* sha256 verified .* extracted .* depmod .* \(the \.deb is not kept\)/);
  });

  it('a cached version is not downloaded again', async () => {
    const runner = new ScriptedRunner();
    await installKernel(root, apt(runner), plan(), { runner, ...quiet });
    const again = new ScriptedRunner();
    const r = await installKernel(root, apt(again), plan(), { runner: again, ...quiet });
    expect(r.downloaded).toBe(false);
    expect(again.lines).toEqual([]);
  });

  it('two concurrent fetches of one kernel download it once and leave one whole copy', async () => {
    const runner = new ScriptedRunner({ delayMs: 50 });
    const [a, b] = await Promise.all([
      installKernel(root, apt(runner), plan(), { runner, ...quiet }),
      installKernel(root, apt(runner), plan(), { runner, ...quiet }),
    ]);
    expect([a.downloaded, b.downloaded].sort()).toEqual([false, true]);
    expect(runner.lines.filter((l) => l.includes(' download '))).toHaveLength(1);
    expect(await listCachedKernels(root)).toHaveLength(1);
  });

  it('a sha256 mismatch fails, and nothing is left in the cache', async () => {
    const runner = new ScriptedRunner();
    await expect(installKernel(root, apt(runner), plan('6.1.192-2', '6.1.0-56-amd64', 'f'.repeat(64)), { runner, ...quiet })).rejects.toThrow(
      /failed to verify linux-image-6\.1\.0-56-amd64 6\.1\.192-2: its sha256 is [0-9a-f]{64}, the archive's index says f{64}/,
    );
    expect(readdirSync(root)).toEqual(['locks']);
    expect(runner.lines.some((l) => l.startsWith('dpkg-deb'))).toBe(false);
  });

  it('another flavour of a cached version (asked for by name) gets its own folder', async () => {
    const runner = new ScriptedRunner();
    await installKernel(root, apt(runner), plan(), { runner, ...quiet });
    const { kernel, downloaded } = await installKernel(root, apt(runner), plan('6.1.192-2', '6.1.0-56-amd64-unsigned'), { runner, ...quiet });
    expect(downloaded).toBe(true);
    expect(kernel).toMatchObject({ dir: join(root, '6.1.192-2_linux-image-6.1.0-56-amd64-unsigned'), release: '6.1.0-56-amd64' });
    expect((await listCachedKernels(root)).map((k) => k.package).sort()).toEqual(['linux-image-6.1.0-56-amd64', 'linux-image-6.1.0-56-amd64-unsigned']);
  });

  it('merged /usr packages (trixie): modules under usr/lib/modules, lib linked for depmod -b', async () => {
    const runner = new ScriptedRunner({ usrMerged: true });
    const { kernel } = await installKernel(root, apt(runner), plan('6.12.118-1', '6.12.118+deb13-amd64'), { runner, ...quiet });
    expect(kernel.modulesDir).toBe('usr/lib/modules/6.12.118+deb13-amd64');
    expect(existsSync(join(kernel.dir, kernel.modulesDir, 'modules.dep'))).toBe(true);
  });
});

describe('pruneKernels', () => {
  it('keeps the newest kernel per series; --all removes everything and the index', async () => {
    const runner = new ScriptedRunner();
    for (const [v, r] of [['6.1.191-1', '6.1.0-55-amd64'], ['6.1.192-2', '6.1.0-56-amd64'], ['5.10.262-1', '5.10.0-46-amd64']] as const) {
      await installKernel(root, apt(runner), plan(v, r), { runner, ...quiet });
    }
    mkdirSync(join(root, '.tmp-999999999-6.1.0-x'));
    const first = await pruneKernels(root);
    expect(first.removed.map((k) => k.version)).toEqual(['6.1.191-1']);
    expect(first.kept.map((k) => k.version)).toEqual(['6.1.192-2', '5.10.262-1']);
    expect(first.leftovers).toEqual(['.tmp-999999999-6.1.0-x']);
    expect(first.freedBytes).toBe(4096);
    mkdirSync(join(root, 'apt'));
    const all = await pruneKernels(root, { all: true });
    expect(all.removed).toHaveLength(2);
    expect(readdirSync(root)).toEqual(['locks']);
  });

  it('a missing cache is nothing to prune', async () => {
    expect(await pruneKernels(join(root, 'nothing-here'), { all: true })).toEqual({ removed: [], kept: [], freedBytes: 0, leftovers: [] });
  });
});
