import { describe, expect, it } from 'vitest';
import type { ConfDir } from './facts.js';
import { normalizeSysctlKey, parseSysctlFile, settingsForKey } from './sysctl-file.js';

const KEY = 'net.netfilter.nf_conntrack_tcp_be_liberal';
const dir = (d: string, files: Record<string, string>): ConfDir => ({
  dir: d,
  files: Object.entries(files).map(([name, text]) => ({ path: `${d}/${name}`, name, text })),
});

describe('normalizeSysctlKey', () => {
  it.each([
    ['net.netfilter.nf_conntrack_tcp_be_liberal', KEY],
    ['net/netfilter/nf_conntrack_tcp_be_liberal', KEY],
    ['/net/netfilter/nf_conntrack_tcp_be_liberal', KEY],
    ['  net.netfilter.nf_conntrack_tcp_be_liberal ', KEY],
    ['net/ipv4/conf/eth0.10/rp_filter', 'net.ipv4.conf.eth0/10.rp_filter'],
    ['net.ipv4.conf.eth0/10.rp_filter', 'net.ipv4.conf.eth0/10.rp_filter'],
  ])('%s -> %s', (raw, key) => {
    expect(normalizeSysctlKey(raw)).toBe(key);
  });
});

describe('parseSysctlFile', () => {
  it('reads assignments, skipping comments, blank lines and lines without =', () => {
    const text = [
      '# comment',
      '; comment',
      '',
      'net.netfilter.nf_conntrack_tcp_be_liberal=1',
      '  -net/netfilter/nf_conntrack_tcp_be_liberal = 0  ',
      'not an assignment',
      'kernel.printk = 3 4 1 3',
      '- = 5',
    ].join('\n');
    expect(parseSysctlFile(text)).toEqual([
      { key: KEY, value: '1', line: 4, ignoreFailure: false },
      { key: KEY, value: '0', line: 5, ignoreFailure: true },
      { key: 'kernel.printk', value: '3 4 1 3', line: 7, ignoreFailure: false },
    ]);
  });
});

describe('settingsForKey', () => {
  it('applies files in name order, /etc/sysctl.conf last, and names the last as winner', () => {
    const s = settingsForKey(
      [dir('/etc/sysctl.d', { '90-a.conf': `${KEY} = 1\n` }), dir('/usr/lib/sysctl.d', { '99-z.conf': `${KEY} = 0\n`, '10-x.conf': 'kernel.pid_max = 1\n' })],
      `# conf\n${KEY} = 1\n`,
      KEY,
    );
    expect(s.settings.map((x) => `${x.path}:${x.line}=${x.value}`)).toEqual(['/etc/sysctl.d/90-a.conf:1=1', '/usr/lib/sysctl.d/99-z.conf:1=0', '/etc/sysctl.conf:2=1']);
    expect(s.winner?.path).toBe('/etc/sysctl.conf');
  });

  it('takes the later of two assignments in one file', () => {
    const s = settingsForKey([dir('/etc/sysctl.d', { 'a.conf': `${KEY}=1\n${KEY}=0\n` })], null, KEY);
    expect(s.winner).toEqual({ path: '/etc/sysctl.d/a.conf', line: 2, value: '0', ignoreFailure: false });
  });

  it('reports masked files that set the key, but not identical copies (/lib -> usr/lib)', () => {
    const s = settingsForKey(
      [
        dir('/etc/sysctl.d', { '99-other.conf': `${KEY} = 1\n` }),
        dir('/usr/lib/sysctl.d', { '99-other.conf': `${KEY} = 0\n`, 'same.conf': `${KEY} = 1\n` }),
        dir('/lib/sysctl.d', { 'same.conf': `${KEY} = 1\n` }),
      ],
      null,
      KEY,
    );
    expect(s.masked).toEqual([{ path: '/usr/lib/sysctl.d/99-other.conf', line: 1, value: '0', ignoreFailure: false, maskedBy: '/etc/sysctl.d/99-other.conf' }]);
    expect(s.settings.map((x) => x.path)).toEqual(['/etc/sysctl.d/99-other.conf', '/usr/lib/sysctl.d/same.conf']);
  });

  it('has no winner when nothing sets the key', () => {
    expect(settingsForKey([dir('/etc/sysctl.d', { 'a.conf': 'kernel.x = 1\n' })], '', KEY)).toEqual({ settings: [], winner: null, masked: [] });
  });
});
