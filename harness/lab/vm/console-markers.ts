/**
 * The guest reports its progress as `RL-VM key=value ...` lines on the serial console
 * (guest-init.ts prints them). This module parses them and folds them into the state of one
 * boot (pure). Everything else on the console is the guest resetlab's own progress or
 * kernel messages, shown as they come.
 */

/** Where a boot got to. */
export interface BootState {
  /** `uname -r` of the guest (from the initramfs marker). */
  uname: string | null;
  reachedInitramfs: boolean;
  reachedRoot: boolean;
  /** A fatal problem the guest reported before powering off. */
  fatal: string | null;
  /** Modules modprobe could not load (optional ones; required ones are fatal). */
  modulesMissing: string[];
  calibration: { guestMs: number; hostMs: number; scale: number; rate: number; durationSec: number } | null;
  /** Cell index -> exit code of the guest's `resetlab run` (null: started, not ended). */
  cells: Map<number, number | null>;
  done: boolean;
  /** Kernel panic / Oops lines seen. */
  panic: string | null;
  /**
   * Cell index -> the guest resetlab's own failure line while that cell ran (`resetlab: failed
   * ...`, with the next line when it ends in ':'), so a cell without a report says why.
   */
  cellErrors: Map<number, string>;
  /** The cell running now (between its start and end markers), or null. */
  runningCell: number | null;
  /** The failure line just seen ended in ':' and waits for its next line. */
  errorContinues: boolean;
}

/** A fresh state. */
export function initialBootState(): BootState {
  return { uname: null, reachedInitramfs: false, reachedRoot: false, fatal: null, modulesMissing: [], calibration: null, cells: new Map(), done: false, panic: null, cellErrors: new Map(), runningCell: null, errorContinues: false };
}

/** Parses `RL-VM a=1 b c=x` into `{ a: "1", b: "", c: "x" }`; values are single words except `fatal`, which takes the rest of the line. */
export function parseMarker(line: string): Record<string, string> | null {
  const at = line.indexOf('RL-VM ');
  if (at < 0) return null;
  const body = line.slice(at + 'RL-VM '.length).trim();
  const out: Record<string, string> = {};
  const fatal = /(?:^|\s)fatal=(.*)$/.exec(body);
  const rest = fatal ? body.slice(0, fatal.index) : body;
  for (const word of rest.split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    if (eq > 0) out[word.slice(0, eq)] = word.slice(eq + 1);
    else out[word] = '';
  }
  if (fatal) out.fatal = fatal[1]!.trim();
  return out;
}

/** Folds one console line into the state (returns the same object, updated). */
export function applyConsoleLine(state: BootState, line: string): BootState {
  if (/Kernel panic - not syncing|BUG: kernel NULL pointer|general protection fault/.test(line) && !state.panic && !state.done) {
    state.panic = line.replace(/^\[\s*[\d.]+\]\s*/, '').trim();
  }
  const m = parseMarker(line);
  if (!m) return noteCellError(state, line);
  if (m.stage === 'initramfs') state.reachedInitramfs = true;
  if (m.stage === 'root') state.reachedRoot = true;
  if (m.uname) state.uname = m.uname;
  if (m.fatal !== undefined && !state.fatal) state.fatal = m.fatal;
  if (m['modules-missing']) state.modulesMissing = m['modules-missing'].split(',').filter(Boolean);
  if (m.calibrate !== undefined) {
    state.calibration = { guestMs: Number(m['guest-ms']), hostMs: Number(m['host-ms']), scale: Number(m.scale), rate: Number(m.rate), durationSec: Number(m.duration) };
  }
  if (m['cell-start'] !== undefined) {
    state.cells.set(Number(m['cell-start']), null);
    state.runningCell = Number(m['cell-start']);
  }
  if (m['cell-end'] !== undefined) {
    state.cells.set(Number(m['cell-end']), Number(m.exit));
    state.runningCell = null;
    state.errorContinues = false;
  }
  if (m.done !== undefined) state.done = true;
  return state;
}

/** Keeps the first failure line the guest resetlab prints while a cell runs (see BootState.cellErrors). */
function noteCellError(state: BootState, raw: string): BootState {
  const cell = state.runningCell;
  if (cell === null) return state;
  const line = raw.replace(/^\s*│?\s*/, '').trim();
  if (state.errorContinues) {
    state.errorContinues = false;
    if (line) state.cellErrors.set(cell, `${state.cellErrors.get(cell)} ${line}`.slice(0, 600));
    return state;
  }
  if (!state.cellErrors.has(cell) && /^resetlab: (failed|Error|.*\bcannot\b)/.test(line)) {
    state.cellErrors.set(cell, line.replace(/^resetlab: /, '').slice(0, 600));
    state.errorContinues = line.endsWith(':');
  }
  return state;
}
