import { describe, expect, it } from 'vitest';
import { compareNames, effectiveFiles, isConfName, meaningfulLines } from './conf-files.js';
import type { ConfDir } from './facts.js';

const dir = (d: string, files: Record<string, string>): ConfDir => ({
  dir: d,
  files: Object.entries(files).map(([name, text]) => ({ path: `${d}/${name}`, name, text })),
});

describe('effectiveFiles', () => {
  it('sorts by file name across directories, whatever the directory', () => {
    const files = effectiveFiles([dir('/etc/sysctl.d', { '90-b.conf': 'b' }), dir('/usr/lib/sysctl.d', { '10-a.conf': 'a', '99-c.conf': 'c' })]);
    expect(files.map((f) => f.path)).toEqual(['/usr/lib/sysctl.d/10-a.conf', '/etc/sysctl.d/90-b.conf', '/usr/lib/sysctl.d/99-c.conf']);
  });

  it('lets a file in an earlier directory mask the same name in later ones', () => {
    const files = effectiveFiles([
      dir('/etc/sysctl.d', { '50-x.conf': 'etc' }),
      dir('/run/sysctl.d', { '50-x.conf': 'run' }),
      dir('/usr/lib/sysctl.d', { '50-x.conf': 'usr' }),
    ]);
    expect(files).toEqual([{ path: '/etc/sysctl.d/50-x.conf', name: '50-x.conf', text: 'etc', masks: ['/run/sysctl.d/50-x.conf', '/usr/lib/sysctl.d/50-x.conf'] }]);
  });

  it('ignores names that are not *.conf, and hidden files', () => {
    expect(effectiveFiles([dir('/etc/sysctl.d', { 'README.sysctl': 'x', '.hidden.conf': 'x', 'a.conf.bak': 'x', 'a.conf': 'y' })]).map((f) => f.name)).toEqual(['a.conf']);
  });

  it.each([
    ['digits before letters', '10-a.conf', 'a.conf', -1],
    ['upper case before lower case (byte order, not locale)', 'Z.conf', 'a.conf', -1],
    ["'-' (0x2d) before '.' (0x2e)", '99-other-x.conf', '99-other.conf', -1],
    ['equal', 'a.conf', 'a.conf', 0],
  ])('compareNames: %s', (_n, a, b, sign) => {
    expect(Math.sign(compareNames(a, b))).toBe(sign);
  });

  it('isConfName', () => {
    expect([isConfName('x.conf'), isConfName('x.cfg'), isConfName('.x.conf')]).toEqual([true, false, false]);
  });
});

describe('meaningfulLines', () => {
  it('drops blank lines and # or ; comments, keeps line numbers, trims', () => {
    expect(meaningfulLines('# c\n\n  ; c2\n  a = 1  \nb=2 # not a comment\n')).toEqual([
      { line: 4, text: 'a = 1' },
      { line: 5, text: 'b=2 # not a comment' },
    ]);
  });
});
