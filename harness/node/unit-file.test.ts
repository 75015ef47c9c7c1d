import { describe, expect, it } from 'vitest';
import type { UnitFacts } from './facts.js';
import { applyUnitDeps, effectiveUnit } from './unit-file.js';

const unit = (fragments: Record<string, string | null>, dropIns: Record<string, Record<string, string>> = {}): UnitFacts => ({
  fragments: Object.entries(fragments).map(([path, text]) => ({ path, text })),
  dropIns: Object.entries(dropIns).map(([dir, files]) => ({ dir, files: Object.entries(files).map(([name, text]) => ({ path: `${dir}/${name}`, name, text })) })),
});

describe('applyUnitDeps', () => {
  it('accumulates After= in [Unit] only, resets on an empty assignment, joins continuations', () => {
    const text = [
      '[Unit]',
      'After=a.service b.service',
      '# After=commented.service',
      'After=',
      'After=c.service \\',
      '  d.service',
      'Before=sysinit.target',
      '[Service]',
      'After=not-unit-section.service',
    ].join('\n');
    expect(applyUnitDeps(text, { after: [], before: [] })).toEqual({ after: ['c.service', 'd.service'], before: ['sysinit.target'] });
  });
});

describe('effectiveUnit', () => {
  const upstream = '[Unit]\nDescription=Apply Kernel Variables\nAfter=systemd-modules-load.service\nBefore=sysinit.target shutdown.target\n';

  it('uses the first unit directory that has the fragment (/etc overrides /usr/lib)', () => {
    const u = effectiveUnit(unit({ '/etc/systemd/system/x.service': '[Unit]\nDescription=local copy\n', '/usr/lib/systemd/system/x.service': upstream }));
    expect(u).toMatchObject({ path: '/etc/systemd/system/x.service', after: [], masked: false });
  });

  it('treats an empty fragment (a /dev/null link) as masked', () => {
    expect(effectiveUnit(unit({ '/etc/systemd/system/x.service': '', '/usr/lib/systemd/system/x.service': upstream })).masked).toBe(true);
  });

  it('applies drop-ins in name order, masked by name, after the fragment', () => {
    const u = effectiveUnit(
      unit(
        { '/etc/systemd/system/x.service': null, '/usr/lib/systemd/system/x.service': upstream },
        {
          '/etc/systemd/system/x.service.d': { '20-more.conf': '[Unit]\nAfter=late.service\n' },
          '/usr/lib/systemd/system/x.service.d': { '10-reset.conf': '[Unit]\nAfter=\n', '20-more.conf': '[Unit]\nAfter=masked.service\n' },
        },
      ),
    );
    expect(u.dropIns).toEqual(['/usr/lib/systemd/system/x.service.d/10-reset.conf', '/etc/systemd/system/x.service.d/20-more.conf']);
    expect(u.after).toEqual(['late.service']);
  });

  it('says when no directory has the unit', () => {
    expect(effectiveUnit(unit({ '/etc/systemd/system/x.service': null })).path).toBeNull();
  });
});
