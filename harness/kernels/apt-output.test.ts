import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exactDependencies, packageRecords, parseAptMadison, parseAptSearch, parseStanzas } from './apt-output.js';

/** Captured with a private apt config (see test/fixtures/kernels/README.md); the mirror host is replaced by mirror.invalid. */
const fixture = (name: string): string => readFileSync(new URL(`../../test/fixtures/kernels/${name}`, import.meta.url), 'utf8');

describe('parseAptSearch', () => {
  const hits = parseAptSearch(fixture('apt-cache-search.txt'));

  it('reads every line of the captured search', () => {
    expect(hits).toHaveLength(303);
    expect(hits).toContainEqual({ name: 'linux-image-6.1.0-56-amd64', description: 'Linux 6.1 for 64-bit PCs (signed)' });
    expect(hits).toContainEqual({ name: 'linux-image-7.2.13+deb14-amd64', description: 'Linux 7.2.13 for 64-bit PCs' });
  });

  it.each([
    ['', []],
    ['garbage\n', []],
    ['a-b - c - d\n', [{ name: 'a-b', description: 'c - d' }]],
  ])('%j', (text, expected) => {
    expect(parseAptSearch(text)).toEqual(expected);
  });
});

describe('parseAptMadison', () => {
  const rows = parseAptMadison(fixture('apt-cache-madison.txt'));

  it('reads one row per line, with suite and component', () => {
    expect(rows).toHaveLength(44);
    expect(rows).toContainEqual({
      name: 'linux-image-6.1.0-56-amd64',
      version: '6.1.192-2',
      uri: 'http://mirror.invalid/debian-security',
      suite: 'bookworm-security',
      component: 'main',
    });
    expect(rows.find((r) => r.name === 'linux-image-7.2.13+deb14-amd64')).toMatchObject({ version: '7.2.13-1', suite: 'sid' });
  });

  it('skips lines that are not rows', () => {
    expect(parseAptMadison('N: Unable to locate package x\nfoo | bar\n')).toEqual([]);
  });
});

describe('parseStanzas / packageRecords', () => {
  it('reads the captured apt-cache show of 6.1', () => {
    const stanzas = parseStanzas(fixture('apt-cache-show-6.1.txt'));
    expect(stanzas).toHaveLength(1);
    expect(packageRecords(stanzas)).toEqual([
      {
        name: 'linux-image-6.1.0-56-amd64',
        version: '6.1.192-2',
        filename: 'pool/updates/main/l/linux-signed-amd64/linux-image-6.1.0-56-amd64_6.1.192-2_amd64.deb',
        size: 70550672,
        sha256: 'a86e2049672f52354c4536a089203b6c82639420424d31c91cf31a181fd4d8f1',
        depends: 'kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool',
      },
    ]);
  });

  it('reads two stanzas and their multi-line fields', () => {
    const stanzas = parseStanzas(fixture('apt-cache-show-two.txt'));
    expect(packageRecords(stanzas).map((r) => `${r.name}=${r.version}`)).toEqual([
      'linux-image-5.10.0-32-amd64=5.10.223-1',
      'linux-image-6.12.117+deb13-amd64=6.12.117-1',
    ]);
  });

  it.each([
    ['continuation lines join with newlines', 'A: 1\nB: x\n y\n .\n z\n', [{ A: '1', B: 'x\ny\n.\nz' }]],
    ['blank lines separate; CRLF and comments tolerated', 'A: 1\r\n\r\n# c\nA: 2\n\n\n', [{ A: '1' }, { A: '2' }]],
    ['values may contain colons', 'URIs: http://h/debian\n', [{ URIs: 'http://h/debian' }]],
  ])('%s', (_name, text, expected) => {
    expect(parseStanzas(text)).toEqual(expected);
  });

  it('skips stanzas without a usable SHA256', () => {
    expect(packageRecords([{ Package: 'p', Version: '1', Filename: 'f', SHA256: 'nothex' }])).toEqual([]);
  });
});

describe('the split kernel of sid (7.2)', () => {
  const records = packageRecords(parseStanzas(fixture('apt-cache-show-7.2-split.txt')));

  it('reads the empty image and its three parts', () => {
    expect(records.map((r) => [r.name, r.size])).toEqual([
      ['linux-image-7.2.13+deb14-amd64', 1892],
      ['linux-binary-7.2.13+deb14-amd64', 14252084],
      ['linux-modules-7.2.13+deb14-amd64', 110095088],
      ['linux-base-7.2.13+deb14-amd64', 469412],
    ]);
  });

  it('exactDependencies keeps pinned clauses outside alternatives', () => {
    expect(exactDependencies(records[0]!.depends)).toEqual([
      { name: 'linux-base-7.2.13+deb14-amd64', version: '7.2.13-1' },
      { name: 'linux-binary-7.2.13+deb14-amd64', version: '7.2.13-1' },
      { name: 'linux-modules-7.2.13+deb14-amd64', version: '7.2.13-1' },
    ]);
  });

  it.each([
    ['', []],
    ['a (= 1) | b (= 2)', []],
    ['a:amd64 (= 1:2.0-1)', [{ name: 'a', version: '1:2.0-1' }]],
    ['kmod, b (>= 1)', []],
  ])('exactDependencies(%j)', (depends, expected) => {
    expect(exactDependencies(depends)).toEqual(expected);
  });
});
