import { describe, expect, it } from 'vitest';
import { monotonicSeconds, parseJournal, parseSystemctlShow, startupLine } from './journal.js';

describe('parseJournal (journalctl -o short-monotonic)', () => {
  it('reads time, identifier without pid, and message; skips non-entries', () => {
    const text = `-- Boot 1234 --
[    4.477256] vm systemd[1]: Starting systemd-modules-load.service - Load Kernel Modules...
[    5.317430] vm systemd-sysctl[157]: Couldn't write '1' to 'net/netfilter/nf_conntrack_tcp_be_liberal', ignoring: No such file or directory
[    0.137221] vm kernel: Yama: disabled by default; enable with sysctl kernel.yama.*
`;
    expect(parseJournal(text)).toEqual([
      { at: 4.477256, ident: 'systemd', message: 'Starting systemd-modules-load.service - Load Kernel Modules...' },
      { at: 5.31743, ident: 'systemd-sysctl', message: "Couldn't write '1' to 'net/netfilter/nf_conntrack_tcp_be_liberal', ignoring: No such file or directory" },
      { at: 0.137221, ident: 'kernel', message: 'Yama: disabled by default; enable with sysctl kernel.yama.*' },
    ]);
  });
});

describe('parseSystemctlShow', () => {
  it('splits blocks by blank lines and keys them by Id (Id need not come first)', () => {
    const units = parseSystemctlShow('Result=success\nId=a.service\nInactiveExitTimestampMonotonic=4508492\n\nId=b.service\nActiveEnterTimestampMonotonic=0\n');
    expect([...units.keys()]).toEqual(['a.service', 'b.service']);
    expect(monotonicSeconds(units.get('a.service'), 'InactiveExitTimestampMonotonic')).toBe(4.508492);
    expect(monotonicSeconds(units.get('b.service'), 'ActiveEnterTimestampMonotonic')).toBeNull();
    expect(monotonicSeconds(undefined, 'X')).toBeNull();
  });
});

describe('startupLine', () => {
  it('finds the summary line of systemd-analyze', () => {
    expect(startupLine('Startup finished in 2.472s (kernel) + 6.108s (userspace) = 8.580s \ngraphical.target reached after 5.877s in userspace.\n')).toBe(
      'Startup finished in 2.472s (kernel) + 6.108s (userspace) = 8.580s',
    );
    expect(startupLine('Bootup is not yet finished.\n')).toBeNull();
  });
});
