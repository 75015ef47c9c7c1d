import { describe, expect, it } from 'vitest';
import type { ConfDir } from './facts.js';
import { builtinHasConntrack, conntrackInEtcModules, conntrackInModulesLoad, hasIpv4ConntrackModule, parseModuleList, procModulesHasConntrack } from './modules-file.js';

const dir = (d: string, files: Record<string, string>): ConfDir => ({
  dir: d,
  files: Object.entries(files).map(([name, text]) => ({ path: `${d}/${name}`, name, text })),
});

describe('module lists', () => {
  it('parses names (first word), with comments and - as _', () => {
    expect(parseModuleList('# c\n;c\noverlay\n\nnf-conntrack\nnf_conntrack hashsize=262144\n')).toEqual([
      { module: 'overlay', line: 3 },
      { module: 'nf_conntrack', line: 5 },
      { module: 'nf_conntrack', line: 6 },
    ]);
  });

  it('finds nf_conntrack and nf_conntrack_ipv4 in effective modules-load.d files only', () => {
    const entries = conntrackInModulesLoad([
      dir('/etc/modules-load.d', { 'k8s.conf': 'br_netfilter\n', 'ct.conf': '# off\n' }),
      dir('/usr/lib/modules-load.d', { 'ct.conf': 'nf_conntrack\n', 'old.conf': 'nf_conntrack_ipv4\nnf_conntrack_netlink\n' }),
    ]);
    expect(entries).toEqual([{ path: '/usr/lib/modules-load.d/old.conf', line: 1, module: 'nf_conntrack_ipv4' }]);
  });

  it('reads /etc/modules with parameters', () => {
    expect(conntrackInEtcModules('nf_conntrack hashsize=1\n')).toEqual([{ path: '/etc/modules', line: 1, module: 'nf_conntrack' }]);
    expect(conntrackInEtcModules(null)).toEqual([]);
  });
});

describe('kernel lists', () => {
  it.each([
    ['kernel/net/netfilter/nf_conntrack.ko\n', true],
    ['kernel/net/netfilter/nf_conntrack.ko.xz\n', true],
    ['kernel/net/netfilter/nf_conntrack_netlink.ko\nkernel/net/ipv4/netfilter/nf_conntrack_ipv4.ko\n', false],
    ['', false],
  ])('builtinHasConntrack(%j) = %s', (text, expected) => {
    expect(builtinHasConntrack(text)).toBe(expected);
  });

  it('procModulesHasConntrack looks at the module name column only', () => {
    expect(procModulesHasConntrack('nf_nat 57344 3 nf_conntrack, Live 0x0\n')).toBe(false);
    expect(procModulesHasConntrack('nf_conntrack 188416 5 xt_conntrack, Live 0x0\n')).toBe(true);
  });

  it.each([
    ['3.10.0-1160.el7.x86_64', true],
    ['4.18.0-513.el8.x86_64', true],
    ['4.19.0-27-amd64', false],
    ['6.1.0-28-amd64', false],
    ['garbage', null],
  ])('hasIpv4ConntrackModule(%s) = %s', (release, expected) => {
    expect(hasIpv4ConntrackModule(release)).toBe(expected);
  });
});
