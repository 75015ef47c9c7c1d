import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UnsupportedError } from '../errors.js';
import { findMirrors } from './mirrors.js';

const fixture = (name: string): string => readFileSync(new URL(`../../test/fixtures/kernels/${name}`, import.meta.url), 'utf8');
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A fake /etc/apt with the given files (path relative to it -> content). */
function etcApt(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rl-etcapt-'));
  roots.push(root);
  mkdirSync(join(root, 'sources.list.d'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  return root;
}

describe('findMirrors', () => {
  it('reads this host\'s layout: deb822 debian.sources next to disabled third-party files', () => {
    const dir = etcApt({
      'sources.list.d/debian.sources': fixture('debian.sources'),
      'sources.list.d/nodesource.sources.disabled-by-farm': fixture('nodesource.sources'),
      'sources.list.d/google-cloud-sdk.list.disabled-by-farm': fixture('cloud-sdk.list'),
    });
    expect(findMirrors({}, dir)).toEqual({
      archive: 'http://mirror.invalid/debian',
      security: 'http://mirror.invalid/debian-security',
      origin: { archive: join(dir, 'sources.list.d/debian.sources'), security: join(dir, 'sources.list.d/debian.sources') },
    });
  });

  it('reads a one-line sources.list; derives the security archive from a /debian path', () => {
    const dir = etcApt({ 'sources.list': 'deb http://m.invalid/debian bookworm main\n', 'sources.list.d/x.sources': fixture('nodesource.sources') });
    expect(findMirrors({}, dir)).toMatchObject({ archive: 'http://m.invalid/debian', security: 'http://m.invalid/debian-security', origin: { security: expect.stringMatching(/^derived from /) } });
  });

  it('prefers the env overrides', () => {
    const dir = etcApt({ 'sources.list.d/debian.sources': fixture('debian.sources') });
    expect(findMirrors({ RESETLAB_DEBIAN_MIRROR: 'http://a.invalid/d/', RESETLAB_DEBIAN_SECURITY_MIRROR: 'http://b.invalid/s' }, dir)).toEqual({
      archive: 'http://a.invalid/d',
      security: 'http://b.invalid/s',
      origin: { archive: 'RESETLAB_DEBIAN_MIRROR', security: 'RESETLAB_DEBIAN_SECURITY_MIRROR' },
    });
  });

  it('leaves security out when nothing names it and the archive path is not /debian', () => {
    expect(findMirrors({ RESETLAB_DEBIAN_MIRROR: 'http://a.invalid/mirror' }, etcApt({})).security).toBeUndefined();
  });

  it('throws exit 2 naming the env variable when no Debian archive is configured (Ubuntu host)', () => {
    const dir = etcApt({ 'sources.list': 'deb http://u.invalid/ubuntu noble main\n' });
    expect(() => findMirrors({}, dir)).toThrow(UnsupportedError);
    expect(() => findMirrors({}, dir)).toThrow(/failed to find a Debian archive .*RESETLAB_DEBIAN_MIRROR/);
  });
});
