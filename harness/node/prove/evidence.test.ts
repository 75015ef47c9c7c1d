import { describe, expect, it } from 'vitest';
import { parseEvidence, parseRcOrder, parseSteps } from './evidence.js';
import { fixtureFiles as fixture } from '../../../test/helpers/node-prove-fixtures.js';

describe('parseEvidence on real boots (Debian bookworm, systemd 252, kernel 6.1.0-56)', () => {
  it('stock node with only the sysctl.d line: the key is absent after boot, 0 after the kube-proxy step', () => {
    const e = parseEvidence(fixture('systemd-lost'), 'systemd');
    expect(e).toMatchObject({
      kernel: '6.1.0-56-amd64',
      systemState: 'running',
      liberalAfterBoot: 'absent',
      liberalAfterProxy: '0',
      conntrackAfterBoot: false,
      conntrackAfterProxy: true,
      conntrackOrigin: { kind: 'proxy-step' },
      complete: true,
    });
    expect(e.sysctlSkipped).toBe("Couldn't write '1' to 'net/netfilter/nf_conntrack_tcp_be_liberal', ignoring: No such file or directory");
    expect(e.units.map((u) => u.unit)).toEqual(['systemd-modules-load.service', 'systemd-sysctl.service']);
    const [ml, sc] = e.units;
    expect(ml!.finishedAt!).toBeLessThan(sc!.startedAt!);
    expect(e.startup).toMatch(/^Startup finished in .*\(kernel\)/);
    expect(e.proxyStep.exitCode).toBe(0);
  });

  it('with nf_conntrack in modules-load.d: systemd-modules-load inserts it before systemd-sysctl runs, and 1 stays', () => {
    const e = parseEvidence(fixture('systemd-kept'), 'systemd');
    expect(e).toMatchObject({ liberalAfterBoot: '1', liberalAfterProxy: '1', conntrackAfterBoot: true, sysctlSkipped: null });
    expect(e.conntrackOrigin.kind).toBe('modules-load');
    const at = (e.conntrackOrigin as { at: number }).at;
    const sysctl = e.units.find((u) => u.unit === 'systemd-sysctl.service')!;
    expect(at).toBeLessThan(sysctl.startedAt!);
    expect(e.journal.some((l) => l.message === "Inserted module 'nf_conntrack'")).toBe(true);
  });

  it('an empty share (the guest never got to the collector) parses as incomplete, with nothing known', () => {
    const e = parseEvidence({}, 'systemd');
    expect(e).toMatchObject({ complete: false, liberalAfterBoot: null, liberalAfterProxy: null, conntrackOrigin: { kind: 'never' }, units: [] });
  });

  it('a key present after boot without a module listed means nf_conntrack is built in', () => {
    const e = parseEvidence({ 'liberal-boot.txt': '1\n', 'modules-boot.txt': 'ext4 1 0 - Live 0x0\n' }, 'systemd');
    expect(e.conntrackOrigin).toEqual({ kind: 'built-in' });
  });
});

describe('parseEvidence on a real sysvinit boot (sysvinit-core 3.06, procps and kmod init scripts)', () => {
  it('the sysctl.d line is lost there too: absent after boot, 0 once the kube-proxy step loads nf_conntrack', () => {
    const e = parseEvidence(fixture('sysvinit-lost'), 'sysvinit');
    expect(e).toMatchObject({ systemState: 'sysvinit', liberalAfterBoot: 'absent', liberalAfterProxy: '0', units: [], journal: [], conntrackOrigin: { kind: 'proxy-step' } });
  });
});

describe('small parsers', () => {
  it('parseSteps reads "<uptime> <step>" lines and skips junk', () => {
    expect([...parseSteps('8.92 boot-finished\nnoise\n9.75 units\n')]).toEqual([
      ['boot-finished', 8.92],
      ['units', 9.75],
    ]);
  });
  it('parseRcOrder on a real sysvinit boot: rcS.d first, kmod (S06) before procps (S09)', () => {
    const order = parseRcOrder(fixture('sysvinit-lost')['rc-order.txt']);
    expect(order[0]).toBe('rcS.d/S01hostname.sh');
    expect(order.indexOf('rcS.d/S06kmod')).toBeLessThan(order.indexOf('rcS.d/S09procps'));
    expect(order.at(-1)).toBe('rc2.d/S02rc.local');
  });
  it('parseRcOrder keeps the directory and only start scripts', () => {
    expect(parseRcOrder('/etc/rcS.d:\nREADME\nS06kmod\nS09procps\n\n/etc/rc2.d:\nK01x\nS01rc.local\n')).toEqual(['rcS.d/S06kmod', 'rcS.d/S09procps', 'rc2.d/S01rc.local']);
  });
});
