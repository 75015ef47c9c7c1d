import { describe, expect, it } from 'vitest';
import { fixtureEvidence } from '../../../test/helpers/node-prove-fixtures.js';
import { proxyStepDescription } from './guest-collector.js';
import { renderProveHtml } from './prove-html.js';
import { renderProveMarkdown, renderProveText } from './prove-render.js';
import { proveVerdict, type ProveBoot, type ProveReport } from './prove-report.js';
import { bootOutcome, explain, timeline } from './timeline.js';

function boot(label: 'before' | 'after', name: string, init: 'systemd' | 'sysvinit' = 'systemd'): ProveBoot {
  const evidence = fixtureEvidence(name, init);
  const predicted = label === 'before' ? ({ kind: 'lost', text: 'will be lost at reboot, because x' } as const) : ({ kind: 'survives', text: 'will survive reboot: y' } as const);
  return { label, seconds: 42, accel: 'tcg', accelReason: 'asked for tcg', outcome: bootOutcome(evidence), predicted, evidence, folder: `boot-${label}` };
}

function report(boots: ProveBoot[]): ProveReport {
  return {
    schema: 'resetlab/node-prove@1',
    startedAt: '2026-11-28T07:52:29.000Z',
    kernel: { release: '6.1.0-56-amd64', vmlinuz: '/k/vmlinuz', source: 'path' },
    init: 'systemd',
    proxyMode: 'ipvs',
    proxyStep: proxyStepDescription('ipvs'),
    accel: 'tcg',
    rootfs: { key: 'bookworm-4d826e3393f2', suite: 'bookworm', packages: ['systemd-sysv'], sizeBytes: 267e6, builtThisRun: false, buildSeconds: 32 },
    config: { source: 'default', paths: ['/etc/sysctl.d'] },
    fix: { lines: ['wrote: /etc/modules-load.d/90-resetlab-conntrack.conf'], warnings: [] },
    boots,
    verdict: proveVerdict(boots),
    notes: ['a <note> & more'],
  };
}

describe('timeline of a real boot', () => {
  it('lost: modules-load ends before sysctl starts, sysctl skips the key, the kube-proxy step loads nf_conntrack, value 0', () => {
    const e = fixtureEvidence('systemd-lost');
    const lines = timeline(e, proxyStepDescription('ipvs')).map((x) => x.what);
    expect(lines).toEqual([
      'systemd-modules-load.service started',
      'systemd-modules-load.service finished',
      'systemd-sysctl.service started',
      "systemd-sysctl: Couldn't write '1' to 'net/netfilter/nf_conntrack_tcp_be_liberal', ignoring: No such file or directory",
      'systemd-sysctl.service finished',
      'boot finished (running): be_liberal = absent (nf_conntrack not loaded: the key does not exist)',
      'kube-proxy (IPVS mode) start: modprobe -a ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh nf_conntrack: nf_conntrack loaded now',
      'be_liberal = 0',
    ]);
    expect(explain(e)).toMatch(/^lost: nf_conntrack was not loaded when systemd-sysctl.service ran/);
  });
  it('kept: the insertion by systemd-modules-load comes before systemd-sysctl starts', () => {
    const lines = timeline(fixtureEvidence('systemd-kept'), 'step').map((x) => x.what);
    expect(lines.indexOf("systemd-modules-load: Inserted module 'nf_conntrack'")).toBeLessThan(lines.indexOf('systemd-sysctl.service started'));
    expect(lines.at(-1)).toBe('be_liberal = 1');
  });
  it('sysvinit: the rc order is shown (kmod before procps) and the value is lost', () => {
    const e = fixtureEvidence('sysvinit-lost', 'sysvinit');
    expect(timeline(e, 'step').map((x) => x.what)).toContain('sysvinit ran rcS.d/S06kmod (modules) then rcS.d/S09procps (sysctl --system)');
    expect(explain(e)).toMatch(/procps's boot script/);
  });
});

describe('timeline ordering', () => {
  it("a module-load journal line that journald received after its unit finished still sorts inside that unit's run", () => {
    const e = fixtureEvidence('systemd-kept');
    const ml = e.units.find((u) => u.unit === 'systemd-modules-load.service')!;
    const late = { ...e, journal: e.journal.map((l) => (l.message.startsWith('Inserted') ? { ...l, at: ml.finishedAt! + 0.05 } : l)) };
    const lines = timeline(late, 'step').map((x) => x.what);
    expect(lines.indexOf("systemd-modules-load: Inserted module 'nf_conntrack'")).toBe(lines.indexOf('systemd-modules-load.service finished') - 1);
  });
});

describe('proveVerdict', () => {
  it('before lost, after kept: exit 0, "the fix works"', () => {
    expect(proveVerdict([boot('before', 'systemd-lost'), boot('after', 'systemd-kept')])).toEqual({
      outcome: 'kept',
      exitCode: 0,
      text: 'the fix works: be_liberal was lost at boot as given and kept with the fix (before: 0, after: 1)',
    });
  });
  it('one boot that loses the value: exit 3 and a pointer to --fix', () => {
    const v = proveVerdict([boot('before', 'systemd-lost')]);
    expect(v).toMatchObject({ outcome: 'lost', exitCode: 3 });
    expect(v.text).toMatch(/--fix/);
  });
  it('a fix that does not keep it: exit 3', () => {
    expect(proveVerdict([boot('before', 'systemd-lost'), boot('after', 'systemd-lost')])).toMatchObject({ outcome: 'lost', exitCode: 3 });
  });
  it('no boot: unknown, exit 3', () => {
    expect(proveVerdict([])).toMatchObject({ outcome: 'unknown', exitCode: 3 });
  });
});

describe('renderings', () => {
  const r = report([boot('before', 'systemd-lost'), boot('after', 'systemd-kept')]);
  it('text shows both values, the unit order, what persist wrote and the verdict', () => {
    const t = renderProveText(r);
    expect(t).toMatch(/Boot 1: the node configuration as given/);
    expect(t).toMatch(/=> be_liberal = 0: lost/);
    expect(t).toMatch(/=> be_liberal = 1: kept/);
    expect(t).toMatch(/node persist --apply: wrote: \/etc\/modules-load.d\/90-resetlab-conntrack.conf/);
    expect(t).toMatch(/verdict: the fix works/);
    expect(t).toMatch(/node check \(from the files, before booting\): will be lost at reboot, because x \(the boot agrees\)/);
  });
  it('markdown has the table and one fenced timeline per boot', () => {
    const md = renderProveMarkdown(r);
    expect(md).toMatch(/^# be_liberal across a real reboot: kept/);
    expect(md.match(/^\| (before|after) \|/gm)).toHaveLength(2);
    expect(md.match(/^```$/gm)).toHaveLength(4);
  });
  it('html escapes report text and has no scripts', () => {
    const html = renderProveHtml(r);
    expect(html).toContain('a &#60;note&#62; &#38; more');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('class="banner kept"');
  });
});
