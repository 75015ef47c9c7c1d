/**
 * The migration / upgrade comparison (`resetlab check --kube-proxy-mode A,B` or
 * `--kube-proxy-version A,B`): every path run in each kube-proxy mode (or version) on the same
 * kernel, side by side. Per path: verdict and reset rate per column, whether it changed, and
 * for each changed cell one line on the mechanism, read from the counters and the kube-proxy
 * facts. A path going not-reproduced -> reproduced is a regression: `check` exits 3. Pure.
 */
import { describePath, type LabTopology } from '../lab/topology.js';
import type { Outcome, RunReport } from './schema.js';

/** What the columns vary. */
export type ComparisonAxis = 'mode' | 'version';

/** One run of one path in one column (null report: it did not run, e.g. interrupted). */
export interface ComparisonCellInput {
  scenario: string;
  topology: LabTopology;
  column: string;
  report: RunReport | null;
  reportDir?: string | null;
}

/** One cell as shown. */
export interface ComparisonCell {
  column: string;
  outcome: Outcome | 'not run';
  /** Baseline arm (liberal=0): resets / requests, and resets per million requests. */
  resets: number | null;
  requests: number | null;
  perMillion: number | null;
  injected: number | null;
  invalidDropped: number | null;
  leakedUnNatted: number | null;
  /** `kube-proxy v1.37 nftables (modelled)`. */
  dataPlane: string;
  /** Set on cells (after the first) whose verdict differs from the first column's. */
  mechanism?: string;
  reportDir?: string | null;
}

/** One path across the columns. */
export interface ComparisonRow {
  scenario: string;
  path: string;
  cells: ComparisonCell[];
  changed: boolean;
  /** Not reproduced in the first column, reproduced in a later one. */
  regression: boolean;
}

/** The comparison document (comparison.json). */
export interface ComparisonDoc {
  schema: 'resetlab/comparison@1';
  axis: ComparisonAxis;
  columns: string[];
  kernel: string;
  driver: string;
  createdAt: string;
  rows: ComparisonRow[];
  /** `scenario: from -> to` for every regression. */
  regressions: string[];
  recommendation: string;
}

/** What to do before migrating when a path would start resetting. */
export const RECOMMENDATION =
  'Before migrating, set be_liberal=1 on every node (kube-proxy v1.29+: conntrack.tcpBeLiberal: true; or ' +
  'net.netfilter.nf_conntrack_tcp_be_liberal=1 in /etc/sysctl.d with nf_conntrack loaded first) and check that it ' +
  'survives a reboot: resetlab node check (resetlab node prove boots it).';

function cellOf(c: ComparisonCellInput): ComparisonCell {
  const r = c.report;
  const base = r?.arms[0];
  const k = r?.environment.kubeProxy;
  const dataPlane = k ? `kube-proxy ${k.version} ${k.mode}${k.source === 'model' ? ' (modelled)' : ''}` : (r?.environment.proxyMode ?? c.column);
  return {
    column: c.column,
    outcome: r ? r.verdict.outcome : 'not run',
    resets: base?.resets ?? null,
    requests: base?.requests ?? null,
    perMillion: base && base.requests > 0 ? Math.round((base.resets / base.requests) * 1e6) : null,
    injected: base?.evidence.injected ?? null,
    invalidDropped: base?.evidence.invalidDropped ?? null,
    leakedUnNatted: base?.evidence.leakedUnNatted ?? null,
    dataPlane,
    ...(c.reportDir !== undefined ? { reportDir: c.reportDir } : {}),
  };
}

/** Why the INVALID reply is (not) caught in a cell, from its facts. */
function handling(c: ComparisonCellInput, cell: ComparisonCell, masqueraded: boolean): string {
  const r = c.report;
  const k = r?.environment.kubeProxy;
  const mode = k?.mode ?? r?.environment.proxyMode ?? c.column;
  const who = k ? `kube-proxy ${k.version} ${mode}` : mode;
  if (mode === 'ipvs' && !masqueraded) return `${who}: IPVS un-NATs the INVALID reply itself from its connection table`;
  if ((cell.invalidDropped ?? 0) > 0) return `${who}: the INVALID drop in KUBE-FORWARD caught ${cell.invalidDropped} replies before they leaked`;
  if (masqueraded) {
    return `${who}: the reply was SNATed by conntrack, so an INVALID one skips the reverse and reaches node-a's INPUT` +
      (k?.dropInvalid ? ' (KUBE-FORWARD\'s drop never sees it, kubernetes#117924)' : '');
  }
  if (k && !k.dropInvalid) return `${who}: relies on conntrack NAT and writes no INVALID drop (${(k.dropInvalidReason ?? '').replace(/ \(.*$/, '')})`;
  return `${who}: conntrack NAT, ${cell.leakedUnNatted ?? 0} replies leaked un-NATed`;
}

const isMasqueraded = (t: LabTopology) => t.masquerade || t.client !== 'pod' || t.service === 'nodePort' || t.hairpin === true;

/** Builds the document from the cells (grouped by scenario, columns in `columns` order). */
export function buildComparison(
  cells: ComparisonCellInput[],
  meta: { axis: ComparisonAxis; columns: string[]; kernel: string; driver: string; createdAt: string },
): ComparisonDoc {
  const scenarios = [...new Set(cells.map((c) => c.scenario))];
  const rows: ComparisonRow[] = scenarios.map((scenario) => {
    const inputs = meta.columns.map((col) => cells.find((c) => c.scenario === scenario && c.column === col)!).filter(Boolean);
    const shown = inputs.map(cellOf);
    const first = shown[0];
    const masq = inputs[0] ? isMasqueraded(inputs[0].topology) : false;
    let regression = false;
    shown.forEach((cell, i) => {
      if (i === 0 || !first || cell.outcome === first.outcome || cell.outcome === 'not run' || first.outcome === 'not run') return;
      if (first.outcome === 'not-reproduced' && cell.outcome === 'reproduced') regression = true;
      cell.mechanism = `${first.outcome} -> ${cell.outcome}: ${handling(inputs[0]!, first, masq)}; ${handling(inputs[i]!, cell, masq)}.`;
    });
    return {
      scenario,
      path: inputs[0] ? describePath(inputs[0].topology) : scenario,
      cells: shown,
      changed: shown.some((c) => c.mechanism !== undefined),
      regression,
    };
  });
  const regressions = rows.filter((r) => r.regression).map((r) => `${r.scenario}: ${r.cells[0]!.column} not-reproduced -> ${r.cells.find((c) => c.outcome === 'reproduced')!.column} reproduced`);
  const notRun = rows.reduce((n, r) => n + r.cells.filter((c) => c.outcome === 'not run').length, 0);
  const none = notRun > 0
    ? `Incomplete: ${notRun} cell(s) did not run, so this comparison cannot clear the migration.`
    : `No path starts resetting from ${meta.columns[0]} to ${meta.columns.slice(1).join(', ')} on this kernel.`;
  return { schema: 'resetlab/comparison@1', ...meta, rows, regressions, recommendation: regressions.length > 0 ? RECOMMENDATION : none };
}
