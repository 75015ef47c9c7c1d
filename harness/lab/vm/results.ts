/**
 * Bringing a guest's results home: each cell's `resetlab/run@1` report (validated with the
 * schema) gets the vm facts added to `environment` and its scenario source put back to what
 * the user selected. A cell that produced no report becomes an `inconclusive` report whose
 * explanation says why (guest stopped, run failed in the guest), so a matrix still shows it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { RunReport, type Environment } from '../../report/schema.js';
import { resetlabVersion } from '../../run/environment.js';
import { toScenarioFile } from '../../scenario/schema.js';
import { poolArm, VERDICT_DEFAULTS, VERDICT_TEST } from '../../verdict/index.js';
import { cellProxyMode, type VmCell } from './cells.js';

/** The vm facts shared by every cell of one boot (Environment['vm'] minus per-cell fields). */
export type BootFacts = Omit<NonNullable<Environment['vm']>, 'loadAdjusted' | 'pinnedProxyMode'>;

/** Adds the vm facts to a report the guest wrote (pure); `driver` is the one the user chose (vm, or kind hosted in the guest). */
export function withVmFacts(report: RunReport, cell: VmCell, facts: BootFacts, driver = 'vm'): RunReport {
  const adjustedNote = cell.adjusted.length > 0 ? [`vm driver: lighter load for software emulation: ${cell.adjusted.join(', ')} (use --full-load to run the scenario as written)`] : [];
  return {
    ...report,
    scenario: { ...report.scenario, source: cell.original.source },
    environment: {
      ...report.environment,
      driver,
      vm: { ...facts, loadAdjusted: cell.adjusted, ...(cell.proxyMode ? { pinnedProxyMode: cell.proxyMode } : {}) },
    },
    notes: [...adjustedNote, ...report.notes],
  };
}

/** An `inconclusive` report for a cell that produced none (pure apart from the clock). */
export function failedCellReport(cell: VmCell, facts: BootFacts, why: string, driver = 'vm'): RunReport {
  const now = new Date().toISOString();
  const arms = cell.scenario.arms.map((a) => poolArm(a.name, []));
  return {
    schema: 'resetlab/run@1',
    complete: false,
    startedAt: now,
    finishedAt: now,
    elapsedSec: 0,
    scenario: { ...toScenarioFile(cell.scenario), name: cell.scenario.name, source: cell.original.source },
    environment: {
      kernel: facts.kernelRelease,
      driver,
      proxyMode: cellProxyMode(cell),
      proxyModeReason: 'not measured: the scenario did not finish in the guest',
      knobs: {},
      nodeVersion: process.version,
      autocannonVersion: 'unknown',
      resetlabVersion: resetlabVersion(),
      gitCommit: null,
      cpus: facts.cpus ?? cpus().length,
      vm: { ...facts, loadAdjusted: cell.adjusted, ...(cell.proxyMode ? { pinnedProxyMode: cell.proxyMode } : {}) },
    },
    arms,
    verdict: {
      outcome: 'inconclusive',
      explanation: `Inconclusive: ${why}`,
      baseline: arms[0]?.name ?? '',
      fix: arms[arms.length - 1]?.name ?? '',
      pValue: null,
      alpha: VERDICT_DEFAULTS.alpha,
      test: VERDICT_TEST,
    },
    notes: [why],
  };
}

/** Reads `cells/<i>.json` from the share; null with the reason when missing or invalid. */
export function readCellReport(outDir: string, cell: VmCell): { report: RunReport | null; problem: string | null } {
  let text: string;
  try {
    text = readFileSync(join(outDir, 'cells', `${cell.index}.json`), 'utf8');
  } catch {
    return { report: null, problem: 'no report came back from the guest' };
  }
  if (text.trim() === '') return { report: null, problem: 'the guest run printed no report' };
  try {
    const parsed = RunReport.safeParse(JSON.parse(text));
    if (!parsed.success) return { report: null, problem: `the guest's report does not match resetlab/run@1: ${parsed.error.issues[0]?.message ?? ''}` };
    return { report: parsed.data, problem: null };
  } catch (error) {
    return { report: null, problem: `the guest's report is not JSON: ${(error as Error).message}` };
  }
}
