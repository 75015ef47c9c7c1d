import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsupportedError } from '../errors.js';
import { FakeRunner } from '../exec/fake-runner.js';
import { privateSourcesList } from './apt-sources.js';
import { KERNEL_JSON_SCHEMA, type KernelRecord } from './cache.js';
import { resolveKernel } from './resolve.js';

const fixture = (name: string): string => readFileSync(new URL(`../../test/fixtures/kernels/${name}`, import.meta.url), 'utf8');
const env = { RESETLAB_DEBIAN_MIRROR: 'http://mirror.invalid/debian', RESETLAB_DEBIAN_SECURITY_MIRROR: 'http://mirror.invalid/debian-security' };
let root: string;

/** A cached kernel folder as install.ts leaves it (files are empty stand-ins). */
function cacheKernel(pkg: string, version: string, series: string, suite: string): void {
  const release = pkg.replace('linux-image-', '');
  const dir = join(root, version);
  mkdirSync(join(dir, 'boot'), { recursive: true });
  mkdirSync(join(dir, 'lib', 'modules', release), { recursive: true });
  const record: KernelRecord = {
    schema: KERNEL_JSON_SCHEMA, package: pkg, version, series, suite, sha256: 'a'.repeat(64), parts: [], release,
    vmlinuz: `boot/vmlinuz-${release}`, modulesDir: `lib/modules/${release}`, sizeBytes: 1, fetchedAt: '2026-11-28T07:00:00Z', debKept: false,
    timingsMs: { download: 0, verify: 0, extract: 0, depmod: 0 },
  };
  writeFileSync(join(dir, 'kernel.json'), JSON.stringify(record));
}

/** A private apt folder whose index was just updated. */
function freshIndex(): void {
  mkdirSync(join(root, 'apt'), { recursive: true });
  writeFileSync(join(root, 'apt', 'sources.list'), privateSourcesList({ archive: env.RESETLAB_DEBIAN_MIRROR, security: env.RESETLAB_DEBIAN_SECURITY_MIRROR }));
  writeFileSync(join(root, 'apt', 'updated'), 'now\n');
}

/** apt-cache answering from the captured archive. */
function aptRunner(): FakeRunner {
  return new FakeRunner([
    { match: / search /, result: { stdout: fixture('apt-cache-search.txt') } },
    { match: / madison /, result: { stdout: fixture('apt-cache-madison.txt') } },
  ], true);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rl-kcache-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('resolveKernel from the cache', () => {
  it('offline: newest cached kernel of the series, no command run', async () => {
    cacheKernel('linux-image-6.1.0-55-amd64', '6.1.191-1', '6.1', 'bookworm');
    cacheKernel('linux-image-6.1.0-56-amd64', '6.1.192-2', '6.1', 'bookworm-security');
    const runner = new FakeRunner([], true);
    const lines: string[] = [];
    const a = await resolveKernel({ kind: 'series', series: '6.1' }, { offline: true, cacheRoot: root, runner, env, say: (l) => lines.push(l) });
    expect(a).toMatchObject({
      release: '6.1.0-56-amd64',
      vmlinuz: join(root, '6.1.192-2', 'boot', 'vmlinuz-6.1.0-56-amd64'),
      modulesDir: join(root, '6.1.192-2', 'lib', 'modules', '6.1.0-56-amd64'),
      source: { kind: 'debian', package: 'linux-image-6.1.0-56-amd64', version: '6.1.192-2', suite: 'bookworm-security' },
      cache: { downloaded: false, index: 'offline' },
    });
    expect(runner.lines).toEqual([]);
    expect(lines.join('\n')).toMatch(/6\.1\.192-2 \(bookworm-security\), cached at .* \(offline\)/);
  });

  it('offline and not cached: exit 2 naming what is cached and how to fetch', async () => {
    cacheKernel('linux-image-6.1.0-56-amd64', '6.1.192-2', '6.1', 'bookworm-security');
    const p = resolveKernel({ kind: 'series', series: '5.10' }, { offline: true, cacheRoot: root, runner: new FakeRunner([], true), env });
    await expect(p).rejects.toThrow(UnsupportedError);
    await expect(resolveKernel({ kind: 'series', series: '5.10' }, { offline: true, cacheRoot: root, env })).rejects.toThrow(
      /kernel 5\.10: offline and it is not cached \(cached: 6\.1\.192-2 \(6\.1\)\); run `resetlab kernels fetch 5\.10`/,
    );
  });

  it('an exact cached version needs no index at all', async () => {
    cacheKernel('linux-image-5.10.0-32-amd64', '5.10.223-1', '5.10', 'bullseye');
    const runner = new FakeRunner([], true);
    const a = await resolveKernel({ kind: 'package', version: '5.10.223-1' }, { cacheRoot: root, runner, env: {} });
    expect(a.cache).toMatchObject({ downloaded: false, index: 'not-needed' });
    expect(runner.lines).toEqual([]);
  });

  it('a series with a fresh index: queries apt, finds the newest version cached, downloads nothing', async () => {
    freshIndex();
    cacheKernel('linux-image-6.12.117+deb13-amd64', '6.12.117-1', '6.12', 'trixie');
    const runner = aptRunner();
    const a = await resolveKernel({ kind: 'series', series: '6.12' }, { cacheRoot: root, runner, env });
    expect(a.source).toMatchObject({ version: '6.12.117-1', suite: 'trixie' });
    expect(a.cache).toMatchObject({ downloaded: false, index: 'reused' });
    expect(runner.lines.map((l) => l.split(' ').filter((w) => !w.includes('::') && w !== '-o').slice(0, 2).join(' '))).toEqual(['apt-cache search', 'apt-cache madison']);
    expect(runner.lines[0]).toContain(`Dir::Etc::sourcelist=${join(root, 'apt', 'sources.list')}`);
    expect(runner.lines[0]).toContain('Dir::Etc::sourceparts=-');
  });

  it('an unreachable index falls back to the cached kernel of the series and says so', async () => {
    cacheKernel('linux-image-5.10.0-32-amd64', '5.10.223-1', '5.10', 'bullseye');
    const runner = new FakeRunner([{ match: / update$/, result: { exitCode: 100, stderr: 'E: Failed to fetch http://mirror.invalid/debian/dists/bullseye/InRelease  Temporary failure resolving' } }], true);
    const lines: string[] = [];
    const a = await resolveKernel({ kind: 'series', series: '5.10' }, { cacheRoot: root, runner, env, say: (l) => lines.push(l) });
    expect(a.cache).toMatchObject({ downloaded: false, index: 'unreachable' });
    expect(lines.join('\n')).toMatch(/failed to update the Debian package index \(E: Failed to fetch .*\); using the cache/);
  });

  it('an unreachable index and nothing cached: the update failure is the error', async () => {
    const runner = new FakeRunner([{ match: / update$/, result: { exitCode: 100, stderr: 'E: Failed to fetch' } }], true);
    await expect(resolveKernel({ kind: 'series', series: '5.10' }, { cacheRoot: root, runner, env })).rejects.toThrow(/failed to run `apt-get .* update` \(exit 100\):\nE: Failed to fetch/);
  });

  it('a series the archive does not serve: exit 2 listing the series it does', async () => {
    freshIndex();
    await expect(resolveKernel({ kind: 'series', series: '4.19' }, { cacheRoot: root, runner: aptRunner(), env })).rejects.toThrow(
      /failed to resolve kernel 4\.19: no Debian kernel package matches \(the archive serves series 5\.10, 6\.1, 6\.12, 7\.2\)/,
    );
  });
});

describe('resolveKernel when a download fails', () => {
  const failing = () =>
    aptRunner()
      .on(/ show /, { stdout: fixture('apt-cache-show-6.1.txt') })
      .on(/ download /, { exitCode: 100, stderr: 'E: Failed to fetch http://mirror.invalid/debian-security/pool/x.deb  404  Not Found' })
      .on(/ update$/, { stdout: '' });

  it('with a reused index: updates the index once and tries again, then reports the download failure', async () => {
    freshIndex();
    const runner = failing();
    const lines: string[] = [];
    await expect(resolveKernel({ kind: 'series', series: '6.1' }, { cacheRoot: root, runner, env, say: (l) => lines.push(l) })).rejects.toThrow(/failed to run `apt-get .* download linux-image-6\.1\.0-56-amd64=6\.1\.192-2` \(exit 100\):\nE: Failed to fetch .*404/);
    const verbs = runner.lines.map((l) => l.split(' ').filter((w) => !w.includes('::') && w !== '-o' && w !== '-q')[1]);
    expect(verbs.filter((v) => v === 'download' || v === 'update')).toEqual(['download', 'update', 'download']);
    expect(lines.join('\n')).toMatch(/with the reused package index; updating it and trying again/);
    expect(readdirSync(root).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('falls back to an older cached kernel of the series and says so', async () => {
    freshIndex();
    cacheKernel('linux-image-6.1.0-55-amd64', '6.1.191-1', '6.1', 'bookworm');
    const lines: string[] = [];
    const a = await resolveKernel({ kind: 'series', series: '6.1' }, { cacheRoot: root, runner: failing(), env, say: (l) => lines.push(l) });
    expect(a.source).toMatchObject({ version: '6.1.191-1' });
    expect(a.cache).toMatchObject({ downloaded: false, index: 'unreachable' });
    expect(lines.join('\n')).toMatch(/failed to download linux-image-6\.1\.0-56-amd64 6\.1\.192-2 \(E: Failed to fetch .*\); using the cache/);
  });
});

describe('resolveKernel with paths', () => {
  it('wants modules.dep in the modules folder', async () => {
    mkdirSync(join(root, 'm', '6.18.0'), { recursive: true });
    writeFileSync(join(root, 'vmlinuz'), '');
    const spec = { kind: 'path', vmlinuz: join(root, 'vmlinuz'), modulesDir: join(root, 'm', '6.18.0') } as const;
    await expect(resolveKernel(spec)).rejects.toThrow(/has no modules\.dep: run depmod -b <root> 6\.18\.0/);
    writeFileSync(join(root, 'm', '6.18.0', 'modules.dep'), '');
    expect(await resolveKernel(spec)).toEqual({ release: '6.18.0', vmlinuz: spec.vmlinuz, modulesDir: spec.modulesDir, source: { kind: 'path' } });
  });
});
