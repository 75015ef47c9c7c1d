import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunReport } from '../../report/schema.js';
import { REPRODUCE_MAX_ARM, REPRODUCE_SCENARIOS, reproduceFlags, summaryLine } from './reproduce.js';

const FIXTURE = RunReport.parse(JSON.parse(readFileSync(new URL('../../../test/fixtures/reports/reproduced.json', import.meta.url), 'utf8')));
const KP = { source: 'model' as const, version: 'v1.37', mode: 'iptables', beLiberalAtStart: 0, dropInvalid: true, dropInvalidBy: 'kube-proxy' as 'kube-proxy' | 'lab override', dropInvalidReason: '', markOp: 'or', forwardConntrack: 'single', deprecation: null };

/** The fixture report with a verdict, a baseline evidence change and the kube-proxy facts. */
function report(outcome: RunReport['verdict']['outcome'], evidence: Partial<RunReport['arms'][number]['evidence']>, kubeProxy: typeof KP | null = KP): RunReport {
  const [a0, ...rest] = FIXTURE.arms;
  return {
    ...FIXTURE,
    environment: { ...FIXTURE.environment, ...(kubeProxy ? { kubeProxy } : {}) },
    arms: [{ ...a0!, evidence: { ...a0!.evidence, ...evidence } }, ...rest],
    verdict: { ...FIXTURE.verdict, outcome },
  };
}

describe('reproduce', () => {
  it('runs a failure kube-proxy permits and a path it protects (the control is `run none`)', () => {
    expect(REPRODUCE_SCENARIOS).toEqual(['over-window-masquerade', 'over-window']);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['netns (the default): side by side, arms at most REPRODUCE_MAX_ARM', {}, { sideBySide: true, duration: REPRODUCE_MAX_ARM }],
    ['netns named: the same', { driver: 'netns' }, { driver: 'netns', sideBySide: true, duration: REPRODUCE_MAX_ARM }],
    ['--duration wins', { duration: '10s' }, { sideBySide: true, duration: '10s' }],
    ['--kube-proxy (one real control plane at a time): as given', { kubeProxy: 'v1.20.2' }, { kubeProxy: 'v1.20.2' }],
    ['vm (scaled to the guest): as given', { driver: 'vm', kernel: '6.1' }, { driver: 'vm', kernel: '6.1' }],
    ['kind: as given', { driver: 'kind' }, { driver: 'kind' }],
  ])('flags: %s', (_name, given, used) => {
    expect(reproduceFlags(given)).toEqual(used);
  });

  it.each<[string, RunReport, RegExp]>([
    ['reproduced: resets per requests and the modelled kube-proxy', report('reproduced', {}), /reproduced \(kube-proxy v1\.37 iptables mode, modelled\): \d+\/\d+ resets with liberal=0$/],
    ['protected by the drop: how many kube-proxy dropped', report('not-reproduced', { invalidDropped: 71 }), /not-reproduced \(kube-proxy v1\.37 iptables mode, modelled\): 71 dropped by kube-proxy's INVALID rule$/],
    ['a lab override says so', report('not-reproduced', { invalidDropped: 5 }, { ...KP, dropInvalidBy: 'lab override' }), /5 dropped by the lab's INVALID rule$/],
    ['no kube-proxy facts: the data plane', report('not-reproduced', { invalidDropped: 0 }, null), /not-reproduced \(iptables data plane\)$/],
  ])('%s', (_name, r, line) => {
    expect(summaryLine(r)).toMatch(line);
  });
});
