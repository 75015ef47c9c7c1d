/**
 * The kernel cache against the real Debian archive (the mirror of the host's apt sources):
 * fetches one real kernel into a temporary cache ($XDG_CACHE_HOME in a temp folder), then
 * proves a second resolution does not download and an offline one runs no command at all.
 * Needs network access to the mirror; skipped when the host's apt sources name no Debian
 * archive (and RESETLAB_DEBIAN_MIRROR is unset), or with RESETLAB_NO_NETWORK=1.
 * Takes 25-70 s on a 2-core machine, mostly the first package index update (5 s quiet,
 * 15-40 s under load).
 */
import { execa } from 'execa';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeRunner } from '../../harness/exec/fake-runner.js';
import { kernelCacheRoot } from '../../harness/kernels/cache.js';
import { findMirrors } from '../../harness/kernels/mirrors.js';
import { resolveKernel } from '../../harness/kernels/resolve.js';
import { REPO_ROOT } from '../../harness/repo-root.js';

const mirror = (() => {
  if (process.env.RESETLAB_NO_NETWORK === '1') return null;
  try {
    return findMirrors().archive;
  } catch {
    return null;
  }
})();

/** The smallest series: bullseye's 5.10 (about 57 MB to download, 325 MB unpacked, uncompressed modules). */
const SERIES = '5.10';

function findFile(dir: string, pattern: RegExp): string | null {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const hit = findFile(path, pattern);
      if (hit) return hit;
    } else if (pattern.test(entry.name)) return path;
  }
  return null;
}

describe.skipIf(mirror === null)(`kernel cache against the Debian archive${mirror === null ? ' (skipped: no Debian archive in the apt sources, or RESETLAB_NO_NETWORK=1)' : ''}`, () => {
  let xdg: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    xdg = await mkdtemp(join(tmpdir(), 'rl-kernels-it-'));
    env = { ...process.env, XDG_CACHE_HOME: xdg };
  });
  afterAll(async () => {
    if (xdg) await rm(xdg, { recursive: true, force: true });
  });

  it(`fetches ${SERIES} once, then resolves it from the cache, online and offline`, async () => {
    const lines: string[] = [];
    const say = (l: string) => lines.push(l);
    let t = Date.now();
    const first = await resolveKernel({ kind: 'series', series: SERIES }, { env, say });
    const firstMs = Date.now() - t;
    expect(first.source).toMatchObject({ kind: 'debian', package: expect.stringMatching(/^linux-image-5\.10\.0-\d+-amd64$/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(first.cache).toMatchObject({ dir: join(kernelCacheRoot(env), first.source.kind === 'debian' ? first.source.version : ''), downloaded: true, index: 'updated' });
    expect(existsSync(first.vmlinuz)).toBe(true);
    expect(existsSync(join(first.modulesDir, 'modules.dep'))).toBe(true);
    expect(findFile(first.modulesDir, /^ip_vs\.ko/)).not.toBeNull();
    expect(lines.join('\n')).toMatch(/downloaded in .* sha256 verified .* \(the \.deb is not kept\)/);

    t = Date.now();
    const second = await resolveKernel({ kind: 'series', series: SERIES }, { env, say });
    const secondMs = Date.now() - t;
    expect(second.cache).toMatchObject({ downloaded: false, index: 'reused' });
    expect(second.vmlinuz).toBe(first.vmlinuz);
    expect(secondMs).toBeLessThan(firstMs);

    const none = new FakeRunner([], true);
    const offline = await resolveKernel({ kind: 'series', series: SERIES }, { env, say, offline: true, runner: none });
    expect(offline.cache).toMatchObject({ downloaded: false, index: 'offline' });
    expect(offline.modulesDir).toBe(first.modulesDir);
    expect(none.lines).toEqual([]);
    process.stderr.write(`kernel cache: first resolve ${firstMs} ms, second ${secondMs} ms\n${lines.join('\n')}\n`);

    const list = await execa('node', [join(REPO_ROOT, 'bin', 'resetlab.js'), 'kernels', 'list', '--json'], { env, reject: false });
    expect(list.exitCode, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).kernels.map((k: { series: string }) => k.series)).toEqual([SERIES]);
  }, 120_000);
});
