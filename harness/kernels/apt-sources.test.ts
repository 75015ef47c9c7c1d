import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { debianMirrors, parseDeb822Sources, parseSourcesList, privateSourcesList } from './apt-sources.js';

/** Real apt source files of this project's machines; host names replaced by *.invalid. */
const fixture = (name: string): string => readFileSync(new URL(`../../test/fixtures/kernels/${name}`, import.meta.url), 'utf8');

describe('parseDeb822Sources', () => {
  it('reads the host debian.sources (two stanzas, comments skipped)', () => {
    expect(parseDeb822Sources(fixture('debian.sources'))).toEqual([
      { types: ['deb'], uris: ['http://mirror.invalid/debian'], suites: ['bookworm', 'bookworm-updates'], components: ['main'], enabled: true },
      { types: ['deb'], uris: ['http://mirror.invalid/debian-security'], suites: ['bookworm-security'], components: ['main'], enabled: true },
    ]);
  });

  it('honours Enabled: no and lower-case field names', () => {
    expect(parseDeb822Sources('types: deb\nuris: http://m/debian\nsuites: sid\ncomponents: main\nEnabled: no\n')[0]?.enabled).toBe(false);
  });
});

describe('parseSourcesList', () => {
  it('reads the private list of eight suites', () => {
    const entries = parseSourcesList(fixture('private.list'));
    expect(entries.map((e) => e.suites[0])).toEqual([
      'bullseye', 'bookworm', 'bookworm-backports', 'trixie', 'sid', 'bookworm-updates', 'bookworm-security', 'bullseye-security',
    ]);
    expect(entries[6]).toEqual({ types: ['deb'], uris: ['http://mirror.invalid/debian-security'], suites: ['bookworm-security'], components: ['main'], enabled: true });
  });

  it('skips options in brackets, comments and non-deb lines', () => {
    expect(parseSourcesList('# x\ndeb [arch=amd64 signed-by=/k.gpg] https://m/debian/ trixie main contrib # tail\nfoo bar\n')).toEqual([
      { types: ['deb'], uris: ['https://m/debian/'], suites: ['trixie'], components: ['main', 'contrib'], enabled: true },
    ]);
  });
});

describe('debianMirrors', () => {
  it.each([
    ['host debian.sources', parseDeb822Sources(fixture('debian.sources')), { archive: 'http://mirror.invalid/debian', security: 'http://mirror.invalid/debian-security' }],
    ['private one-line list', parseSourcesList(fixture('private.list')), { archive: 'http://mirror.invalid/debian', security: 'http://mirror.invalid/debian-security' }],
    ['third-party deb822 (nodesource) only', parseDeb822Sources(fixture('nodesource.sources')), {}],
    ['third-party one-line (cloud sdk: suite cloud-sdk-bookworm) only', parseSourcesList(fixture('cloud-sdk.list')), {}],
    ['Ubuntu', parseSourcesList('deb http://u/ubuntu noble main\ndeb http://u/ubuntu noble-security main\n'), {}],
    ['old-style security suite, trailing slash', parseSourcesList('deb http://s/debian-security/ buster/updates main\n'), { security: 'http://s/debian-security' }],
    ['deb-src and non-main are ignored', parseSourcesList('deb-src http://a/debian sid main\ndeb http://b/debian sid contrib\n'), {}],
    ['disabled stanza is ignored', parseDeb822Sources('Types: deb\nURIs: http://a/debian\nSuites: sid\nComponents: main\nEnabled: no\n'), {}],
    ['cdrom and file URIs are ignored', parseSourcesList('deb cdrom:[x]/ bookworm main\ndeb file:/srv/debian bookworm main\n'), {}],
  ])('%s', (_name, entries, expected) => {
    expect(debianMirrors(entries)).toEqual(expected);
  });
});

describe('privateSourcesList', () => {
  it('lists the kernel suites of both archives, and reads back to the same mirrors', () => {
    const text = privateSourcesList({ archive: 'http://m.invalid/debian', security: 'http://m.invalid/debian-security' });
    expect(text.split('\n').filter(Boolean)).toHaveLength(10);
    expect(text).toContain('deb [arch=amd64 targets=Packages] http://m.invalid/debian-security bookworm-security main\n');
    expect(debianMirrors(parseSourcesList(text))).toEqual({ archive: 'http://m.invalid/debian', security: 'http://m.invalid/debian-security' });
  });

  it('leaves the security suites out without a security URI', () => {
    expect(privateSourcesList({ archive: 'http://m.invalid/x' })).not.toContain('security');
  });
});
