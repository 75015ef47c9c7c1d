/**
 * The check matrix (`resetlab/matrix@1`): one cell per kernel x scenario x proxy mode with
 * the expected and actual verdict, the per-arm requests and resets, and the path of the
 * cell's own report. Built from check cases (pure); rendered by matrix-render.ts.
 */
import { UNMEASURED } from './junit.js';
import type { RunReport } from './schema.js';

/** One arm of a cell, as the heatmap labels it. */
export interface MatrixArm {
  name: string;
  requests: number;
  resets: number;
  perMillion: number;
}

/** One kernel x scenario x proxy mode. */
export interface MatrixCell {
  /** The kernel as asked for (e.g. "6.1"); `release` is what the run reported. */
  kernel: string;
  release: string | null;
  scenario: string;
  proxyMode: string;
  expected: string;
  got: string | null;
  /** As expected, or unmeasured (not gated). */
  pass: boolean;
  /** No expectation entry covers this kernel and mode: measured and shown, never gated. */
  unmeasured?: true;
  arms: MatrixArm[];
  /** The cell's run folder relative to the matrix folder (for links), or null. */
  reportDir: string | null;
  explanation: string;
  /** vm only: seconds the guest took per arm, acceleration. */
  accel?: string;
  elapsedSec?: number;
}

/** The matrix document. */
export interface MatrixDoc {
  schema: 'resetlab/matrix@1';
  createdAt: string;
  driver: string;
  expectations: string;
  kernels: string[];
  cells: MatrixCell[];
  passed: number;
  failed: number;
  /** Cells without an expectation entry (not gated). */
  unmeasured: number;
}

/** A check case with where it ran (input of `buildMatrix`). */
export interface MatrixInput {
  kernel: string;
  scenario: string;
  proxyMode: string;
  expected: string;
  report: RunReport | null;
  reportDir: string | null;
  error?: string;
}

/** Builds the document (pure). */
export function buildMatrix(inputs: MatrixInput[], meta: { driver: string; expectations: string; createdAt: string }): MatrixDoc {
  const cells: MatrixCell[] = inputs.map((i) => {
    const got = i.report?.verdict.outcome ?? null;
    return {
      kernel: i.kernel,
      release: i.report?.environment.kernel ?? null,
      scenario: i.scenario,
      proxyMode: i.report?.environment.proxyMode ?? i.proxyMode,
      expected: i.expected,
      got,
      // An unmeasured cell (no expectation entry) is shown but never gated.
      pass: i.expected === UNMEASURED || got === i.expected,
      ...(i.expected === UNMEASURED ? { unmeasured: true } : {}),
      arms: (i.report?.arms ?? []).map((a) => ({ name: a.name, requests: a.requests, resets: a.resets, perMillion: a.resetRate.perMillion })),
      reportDir: i.reportDir,
      explanation: i.report?.verdict.explanation ?? i.error ?? 'not run',
      ...(i.report?.environment.vm ? { accel: i.report.environment.vm.accel } : {}),
      ...(i.report ? { elapsedSec: Math.round(i.report.elapsedSec) } : {}),
    };
  });
  const unmeasured = cells.filter((c) => c.unmeasured).length;
  const passed = cells.filter((c) => c.pass && !c.unmeasured).length;
  return {
    schema: 'resetlab/matrix@1',
    createdAt: meta.createdAt,
    driver: meta.driver,
    expectations: meta.expectations,
    kernels: [...new Set(cells.map((c) => c.kernel))],
    cells,
    passed,
    failed: cells.length - passed - unmeasured,
    unmeasured,
  };
}

/** "resets/requests" per arm, baseline first: `12/6088 · 0/9695`. */
export function armsLabel(c: MatrixCell): string {
  return c.arms.length === 0 ? '-' : c.arms.map((a) => `${a.resets}/${a.requests}`).join(' · ');
}

/** The column of a cell: scenario, plus the mode when it is not the only one. */
export function columnLabel(c: Pick<MatrixCell, 'scenario' | 'proxyMode'>): string {
  return `${c.scenario} (${c.proxyMode})`;
}
