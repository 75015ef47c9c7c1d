import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LabTopology } from '../lab/topology.js';
import { buildComparison, RECOMMENDATION, type ComparisonCellInput } from './migration.js';
import { renderComparisonHtml, renderComparisonJUnit, renderComparisonMarkdown, renderComparisonText } from './migration-render.js';
import { RunReport, type Outcome } from './schema.js';

const FIXTURE = RunReport.parse(JSON.parse(readFileSync(new URL('../../test/fixtures/reports/reproduced.json', import.meta.url), 'utf8')));
const PLAIN: LabTopology = { proxyMode: 'ipvs', client: 'pod', masquerade: false, dropInvalid: 'auto', servicePort: 80, serverPort: 8080 };
const MASQ: LabTopology = { ...PLAIN, masquerade: true };

/** A report in `mode` with an outcome and baseline counters. */
function run(mode: string, outcome: Outcome, resets: number, dropped = 0, version = 'v1.37'): RunReport {
  const [a0, ...rest] = FIXTURE.arms;
  const dropInvalid = mode === 'iptables';
  return {
    ...FIXTURE,
    environment: {
      ...FIXTURE.environment,
      proxyMode: mode,
      kubeProxy: { source: 'model', version, mode, beLiberalAtStart: 0, dropInvalid, dropInvalidBy: 'kube-proxy', dropInvalidReason: `kube-proxy ${version} ${mode} mode ${dropInvalid ? 'writes' : 'writes no'} INVALID drop (file, pr)`, markOp: 'or', forwardConntrack: 'single', deprecation: null },
    },
    arms: [{ ...a0!, resets, requests: 2000, evidence: { ...a0!.evidence, injected: 100, invalidDropped: dropped, leakedUnNatted: dropped ? 0 : 100 } }, ...rest],
    verdict: { ...FIXTURE.verdict, outcome },
  };
}

const cell = (scenario: string, topology: LabTopology, column: string, report: RunReport | null): ComparisonCellInput => ({ scenario, topology, column, report });
const META = { axis: 'mode' as const, columns: ['ipvs', 'nftables'], kernel: '6.1.0-56-amd64', driver: 'vm', createdAt: '2026-12-01T00:00:00Z' };

describe('buildComparison', () => {
  const doc = buildComparison(
    [
      cell('over-window', PLAIN, 'ipvs', run('ipvs', 'not-reproduced', 0)),
      cell('over-window-masquerade', MASQ, 'ipvs', run('ipvs', 'reproduced', 90)),
      cell('over-window', PLAIN, 'nftables', run('nftables', 'reproduced', 95)),
      cell('over-window-masquerade', MASQ, 'nftables', run('nftables', 'reproduced', 88)),
    ],
    META,
  );

  it('one row per path, columns in order, rates from the baseline arm', () => {
    expect(doc.rows.map((r) => [r.scenario, r.cells.map((c) => `${c.column}:${c.outcome}:${c.resets}/${c.requests}:${c.perMillion}`)])).toEqual([
      ['over-window', ['ipvs:not-reproduced:0/2000:0', 'nftables:reproduced:95/2000:47500']],
      ['over-window-masquerade', ['ipvs:reproduced:90/2000:45000', 'nftables:reproduced:88/2000:44000']],
    ]);
  });

  it('not-reproduced -> reproduced is a regression, with its mechanism and the recommendation', () => {
    const [plain, masq] = doc.rows;
    expect(plain).toMatchObject({ changed: true, regression: true, path: 'pod -> ClusterIP' });
    expect(plain!.cells[1]!.mechanism).toMatch(/^not-reproduced -> reproduced: kube-proxy v1\.37 ipvs: IPVS un-NATs the INVALID reply itself .*; kube-proxy v1\.37 nftables: relies on conntrack NAT and writes no INVALID drop/);
    expect(masq).toMatchObject({ changed: false, regression: false });
    expect(masq!.cells.every((c) => c.mechanism === undefined)).toBe(true);
    expect(doc.regressions).toEqual(['over-window: ipvs not-reproduced -> nftables reproduced']);
    expect(doc.recommendation).toBe(RECOMMENDATION);
  });

  it.each<[string, Outcome, Outcome, boolean, boolean]>([
    ['same verdict', 'reproduced', 'reproduced', false, false],
    ['improvement is a change, not a regression', 'reproduced', 'not-reproduced', true, false],
    ['regression', 'not-reproduced', 'reproduced', true, true],
    ['to inconclusive is a change, not a regression', 'not-reproduced', 'inconclusive', true, false],
  ])('%s', (_name, from, to, changed, regression) => {
    const d = buildComparison([cell('over-window', PLAIN, 'v1.14', run('iptables', from, 1)), cell('over-window', PLAIN, 'v1.37', run('iptables', to, 1))], { ...META, axis: 'version', columns: ['v1.14', 'v1.37'] });
    expect(d.rows[0]).toMatchObject({ changed, regression });
    expect(d.regressions.length > 0).toBe(regression);
    expect(d.recommendation === RECOMMENDATION).toBe(regression);
  });

  it('a cell that did not run has no mechanism, and the comparison says it is incomplete', () => {
    const d = buildComparison([cell('over-window', PLAIN, 'ipvs', run('ipvs', 'inconclusive', 0)), cell('over-window', PLAIN, 'nftables', null)], META);
    expect(d.rows[0]).toMatchObject({ changed: false, regression: false });
    expect(d.rows[0]!.cells[1]!.outcome).toBe('not run');
    expect(d.rows[0]!.cells[1]!.mechanism).toBeUndefined();
    expect(d.recommendation).toMatch(/^Incomplete: 1 cell\(s\) did not run/);
  });

  it('an upgrade past the drop names the drop that caught the replies', () => {
    const d = buildComparison([cell('over-window', PLAIN, 'v1.14', run('iptables', 'reproduced', 80, 0, 'v1.14')), cell('over-window', PLAIN, 'v1.37', run('iptables', 'not-reproduced', 0, 71))], { ...META, axis: 'version', columns: ['v1.14', 'v1.37'] });
    expect(d.rows[0]!.cells[1]!.mechanism).toMatch(/kube-proxy v1\.37 iptables: the INVALID drop in KUBE-FORWARD caught 71 replies/);
  });

  it('renders every format with the changed cell marked and the regression failing in JUnit', async () => {
    expect(renderComparisonText(doc)).toMatch(/over-window\s+ not-reproduced 0\/2000\s+\*reproduced 95\/2000/);
    expect(renderComparisonText(doc)).toMatch(/REGRESSION: 1 path\(s\) start resetting/);
    expect(renderComparisonMarkdown(doc)).toContain('| over-window (pod -> ClusterIP) | not-reproduced 0/2000 | **reproduced 95/2000** |');
    expect(renderComparisonHtml(doc)).toMatch(/<td class="worse" title="not-reproduced -&#62; reproduced:/);
    const junit = renderComparisonJUnit(doc);
    expect(junit).toMatch(/tests="2" failures="1"/);
    expect(junit.match(/<failure /g)).toHaveLength(1);
  });
});
