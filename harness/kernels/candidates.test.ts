import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageRecords, parseAptMadison, parseAptSearch, parseStanzas } from './apt-output.js';
import { availableSeries, imageParts, isPlainImage, pickCandidate, releaseOf, seriesOf } from './candidates.js';

const fixture = (name: string): string => readFileSync(new URL(`../../test/fixtures/kernels/${name}`, import.meta.url), 'utf8');
const rows = parseAptMadison(fixture('apt-cache-madison.txt'));

describe('isPlainImage', () => {
  it('keeps exactly the plain images of the captured search (the madison capture was made of those)', () => {
    const plain = parseAptSearch(fixture('apt-cache-search.txt')).map((h) => h.name).filter(isPlainImage);
    expect(plain.sort()).toEqual([...new Set(rows.map((r) => r.name))].sort());
  });

  it.each([
    ['linux-image-6.1.0-56-amd64', true],
    ['linux-image-6.12.90+deb12.1-amd64', true],
    ['linux-image-6.1.0-0.deb11.52-amd64', true],
    ['linux-image-6.1.0-56-cloud-amd64', false],
    ['linux-image-6.1.0-56-rt-amd64', false],
    ['linux-image-6.1.0-56-amd64-dbg', false],
    ['linux-image-6.1.0-56-amd64-unsigned', false],
    ['linux-image-amd64', false],
    ['linux-image-amd64-signed-template', false],
  ])('%s -> %s', (name, expected) => {
    expect(isPlainImage(name)).toBe(expected);
  });
});

describe('releaseOf / seriesOf', () => {
  it.each([
    ['linux-image-6.1.0-56-amd64', '6.1.0-56-amd64'],
    ['linux-image-6.12.117+deb13-amd64-unsigned', '6.12.117+deb13-amd64'],
  ])('releaseOf(%s) = %s', (name, release) => expect(releaseOf(name)).toBe(release));

  it.each([
    ['6.1.192-2', '6.1'],
    ['6.12.117-1~deb12u1', '6.12'],
    ['5.10.262-1', '5.10'],
    ['7.2.13-1', '7.2'],
    ['1:6.1-1', '6.1'],
    ['61.1', '61.1'],
    ['x', null],
  ])('seriesOf(%s) = %s', (version, series) => expect(seriesOf(version)).toBe(series));
});

describe('pickCandidate on the captured archive', () => {
  it.each([
    [{ kind: 'series', series: '5.10' }, { name: 'linux-image-5.10.0-46-amd64', version: '5.10.262-1', suite: 'bullseye-security' }],
    [{ kind: 'series', series: '6.1' }, { name: 'linux-image-6.1.0-56-amd64', version: '6.1.192-2', suite: 'bookworm-security' }],
    // 6.12 is served by trixie and by bookworm (backports/security): the newest version wins, trixie's own build.
    [{ kind: 'series', series: '6.12' }, { name: 'linux-image-6.12.117+deb13-amd64', version: '6.12.117-1', suite: 'trixie' }],
    [{ kind: 'series', series: '7.2' }, { name: 'linux-image-7.2.13+deb14-amd64', version: '7.2.13-1', suite: 'sid' }],
    [{ kind: 'package', version: '5.10.223-1' }, { name: 'linux-image-5.10.0-32-amd64', version: '5.10.223-1', suite: 'bullseye' }],
    [{ kind: 'package', version: '6.12.117-1~deb12u1' }, { name: 'linux-image-6.12.117+deb12-amd64', version: '6.12.117-1~deb12u1', suite: 'bookworm-security' }],
    [{ kind: 'package', version: 'linux-image-6.1.0-0.deb11.52-amd64' }, { name: 'linux-image-6.1.0-0.deb11.52-amd64', version: '6.1.180-1~deb11u1', suite: 'bullseye-security' }],
    // served by bookworm and bookworm-security: the first suite apt lists is recorded.
    [{ kind: 'package', version: 'linux-image-6.1.0-50-amd64' }, { name: 'linux-image-6.1.0-50-amd64', version: '6.1.176-1', suite: 'bookworm' }],
    [{ kind: 'series', series: '4.19' }, null],
    [{ kind: 'package', version: '6.1.192-99' }, null],
  ] as const)('%j -> %j', (spec, expected) => {
    expect(pickCandidate(spec, rows)).toEqual(expected);
  });

  it('a version served by two suites keeps the first one listed', () => {
    const two = parseAptMadison('linux-image-1.0.0-1-amd64 | 1.0-1 | http://m/debian bookworm-backports/main amd64 Packages\nlinux-image-1.0.0-1-amd64 | 1.0-1 | http://m/debian-security bookworm-security/main amd64 Packages\n');
    expect(pickCandidate({ kind: 'package', version: 'linux-image-1.0.0-1-amd64' }, two)?.suite).toBe('bookworm-backports');
  });

  it('lists the series served', () => {
    expect(availableSeries(rows)).toEqual(['5.10', '6.1', '6.12', '7.2']);
  });
});

describe('imageParts', () => {
  it('a classic image is one package', () => {
    const [record] = packageRecords(parseStanzas(fixture('apt-cache-show-6.1.txt')));
    expect(imageParts(record!)).toEqual([{ name: 'linux-image-6.1.0-56-amd64', version: '6.1.192-2' }]);
  });

  it('sid\'s split image brings its base, binary and modules packages', () => {
    const [record] = packageRecords(parseStanzas(fixture('apt-cache-show-7.2-split.txt')));
    expect(imageParts(record!).map((p) => p.name)).toEqual([
      'linux-image-7.2.13+deb14-amd64',
      'linux-base-7.2.13+deb14-amd64',
      'linux-binary-7.2.13+deb14-amd64',
      'linux-modules-7.2.13+deb14-amd64',
    ]);
  });
});

describe('pickCandidate with trixie-security', () => {
  it('6.12 resolves to the security update, newer than trixie itself', () => {
    const rows2 = [...rows, ...parseAptMadison(fixture('apt-cache-madison-trixie-security.txt'))];
    expect(pickCandidate({ kind: 'series', series: '6.12' }, rows2)).toEqual({ name: 'linux-image-6.12.118+deb13-amd64', version: '6.12.118-1', suite: 'trixie-security' });
  });
});
