/**
 * What one guest runs (pure): the cells of one kernel, i.e. scenarios, each on one proxy
 * mode, in order. The vm driver may lighten the *built-in* scenarios' load for software
 * emulation (VM_LIGHT_LOAD) and says so per cell; a user's scenario file is run as written.
 */
import type { Scenario } from '../../scenario/schema.js';
import { TARGET_REQUESTS_PER_ARM } from './calibrate.js';

/** Proxy modes the guest's netns lab can build. */
export type VmProxyMode = 'ipvs' | 'iptables' | 'nftables';

/** One scenario on one proxy mode, as the guest will run it. */
export interface VmCell {
  index: number;
  /** The scenario as the user selected it (its `source` is what reports show). */
  original: Scenario;
  /** What the guest runs (load possibly lightened, proxy mode pinned). */
  scenario: Scenario;
  /** The pinned proxy mode, or undefined: the scenario's own (auto: ipvs in the guest). */
  proxyMode?: VmProxyMode;
  /** Human-readable changes made to the load, e.g. "connections 50 -> 10". Empty: as written. */
  adjusted: string[];
  /** The guest sizes the arms from its measured speed (lightened built-ins without --duration). */
  autoDuration: boolean;
  /**
   * A scenario run as written (a user's file, or --full-load) without --duration: its arms may
   * run up to the guest's sized duration when that is longer than the written one, so a slow
   * guest can still reach the verdict's minimum traffic. Arms stop once decided, so this
   * changes only the maximum. Reported per cell when it applies.
   */
  stretchDuration: boolean;
}

/**
 * The lighter load used for built-in scenarios under emulation (first guest measurements:
 * about 700 req/s with 10 connections x 8 KiB; 50 x 64 KiB got the load agent killed).
 */
export const VM_LIGHT_LOAD = { connections: 10, responseBytes: 8192, injectPerSecond: 20 } as const;

/** The built-in values that VM_LIGHT_LOAD replaces (anything else was chosen on purpose). */
const BUILTIN_LOAD = { connections: 50, responseBytes: 65536, injectPerSecond: 50 } as const;

/** Lightens a built-in scenario's default load; user files and changed values are left alone. */
export function lightenForVm(s: Scenario): { scenario: Scenario; adjusted: string[] } {
  if (!s.source.startsWith('built-in:')) return { scenario: s, adjusted: [] };
  const adjusted: string[] = [];
  const load = { ...s.load };
  let fault = s.fault;
  if (load.connections === BUILTIN_LOAD.connections) {
    load.connections = VM_LIGHT_LOAD.connections;
    adjusted.push(`load.connections ${BUILTIN_LOAD.connections} -> ${VM_LIGHT_LOAD.connections}`);
  }
  if (load.responseBytes === BUILTIN_LOAD.responseBytes) {
    load.responseBytes = VM_LIGHT_LOAD.responseBytes;
    adjusted.push(`load.responseBytes ${BUILTIN_LOAD.responseBytes} -> ${VM_LIGHT_LOAD.responseBytes}`);
  }
  if (fault.kind === 'inject' && fault.ratePerSecond === BUILTIN_LOAD.injectPerSecond) {
    fault = { ...fault, ratePerSecond: VM_LIGHT_LOAD.injectPerSecond };
    adjusted.push(`fault.ratePerSecond ${BUILTIN_LOAD.injectPerSecond} -> ${VM_LIGHT_LOAD.injectPerSecond}`);
  }
  return { scenario: { ...s, load, fault }, adjusted };
}

/**
 * Cells for one guest: every scenario on each of `modesOf(scenario)` (empty or undefined:
 * the scenario's own mode), lightened unless `asWritten`.
 */
export function planCells(
  scenarios: Scenario[],
  options: { asWritten: boolean; durationGiven: boolean; modesOf?: (s: Scenario) => VmProxyMode[] | undefined },
): VmCell[] {
  const cells: VmCell[] = [];
  for (const original of scenarios) {
    const light = options.asWritten ? { scenario: original, adjusted: [] } : lightenForVm(original);
    const modes = options.modesOf?.(original) ?? [];
    for (const mode of modes.length > 0 ? modes : [undefined]) {
      const scenario = mode ? { ...light.scenario, topology: { ...light.scenario.topology, proxyMode: mode } } : light.scenario;
      const autoDuration = light.adjusted.length > 0 && !options.durationGiven;
      const stretchDuration = !autoDuration && !options.durationGiven;
      cells.push({ index: cells.length, original, scenario, ...(mode ? { proxyMode: mode } : {}), adjusted: light.adjusted, autoDuration, stretchDuration });
    }
  }
  return cells;
}

/** The proxy mode a cell runs with in the guest (auto -> ipvs: the guest loads ip_vs). */
export function cellProxyMode(cell: VmCell): VmProxyMode {
  const m = cell.scenario.topology.proxyMode;
  return m === 'auto' ? 'ipvs' : m;
}

/** A generous upper bound for one cell in a guest `timeScale` times slower than bare metal. */
export function cellBudgetMs(cell: VmCell, timeScale: number): number {
  const s = cell.scenario;
  const durationMs = cell.autoDuration || cell.stretchDuration ? Math.max(s.load.durationMs, 180_000) : s.load.durationMs;
  return s.trials * s.arms.length * (durationMs + 20_000 * timeScale) + 60_000 * timeScale;
}

/**
 * What the guest's sizing did to a cell's arm duration, for the report (pure): lightened
 * built-ins get the probe's size; a written duration shorter than the probe's size is stretched
 * to it (only the maximum: arms stop once decided); anything else is unchanged (empty list).
 */
export function durationChanges(cell: VmCell, calibration: { durationSec: number; rate: number }): string[] {
  const written = cell.scenario.load.durationMs / 1000;
  const why = `to reach about ${TARGET_REQUESTS_PER_ARM} requests per arm at the guest's measured ${calibration.rate} req/s`;
  if (cell.autoDuration) return [`load.duration ${written}s -> ${calibration.durationSec}s (${why})`];
  if (cell.stretchDuration && Math.ceil(written) < calibration.durationSec) {
    return [`load.duration ${written}s -> at most ${calibration.durationSec}s (${why}; arms still stop once decided)`];
  }
  return [];
}
