/**
 * systemd unit files, only as far as ordering goes: the fragment that wins (first unit
 * directory that has it; empty or a /dev/null link = masked), then its drop-ins
 * (`<unit>.d/*.conf`, masked by name, read in name order), and the `After=`/`Before=` lists
 * of `[Unit]` (space-separated, accumulating; an empty assignment resets the list). Pure.
 */
import { effectiveFiles } from './conf-files.js';
import type { UnitFacts } from './facts.js';

/** Ordering of a unit after all its files are applied. */
export interface EffectiveUnit {
  /** The fragment that is used, null when no unit directory has the unit. */
  path: string | null;
  /** The fragment is empty or links to /dev/null: the unit never runs. */
  masked: boolean;
  /** Drop-ins applied, in order. */
  dropIns: string[];
  after: string[];
  before: string[];
}

/** Logical lines of a unit file: comments dropped, backslash continuations joined. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const t = raw.trim();
    if (pending === '' && (t.startsWith('#') || t.startsWith(';'))) continue;
    if (t.endsWith('\\')) {
      pending += t.slice(0, -1) + ' ';
      continue;
    }
    out.push(pending + t);
    pending = '';
  }
  if (pending !== '') out.push(pending);
  return out;
}

/** Applies one file's `[Unit]` After=/Before= lines to `deps` (mutates and returns it). */
export function applyUnitDeps(text: string, deps: { after: string[]; before: string[] }): { after: string[]; before: string[] } {
  let section = '';
  for (const line of logicalLines(text)) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const m = /^(After|Before)\s*=(.*)$/.exec(line);
    if (section !== 'Unit' || !m) continue;
    const list = m[1] === 'After' ? deps.after : deps.before;
    const names = m[2]!.trim().split(/\s+/).filter((n) => n !== '');
    if (names.length === 0) list.length = 0;
    else list.push(...names);
  }
  return deps;
}

/** The unit as systemd would load it. */
export function effectiveUnit(unit: UnitFacts): EffectiveUnit {
  const fragment = unit.fragments.find((f) => f.text !== null);
  if (!fragment) return { path: null, masked: false, dropIns: [], after: [], before: [] };
  if (fragment.text!.trim() === '') return { path: fragment.path, masked: true, dropIns: [], after: [], before: [] };
  const deps = applyUnitDeps(fragment.text!, { after: [], before: [] });
  const dropIns = effectiveFiles(unit.dropIns);
  for (const d of dropIns) applyUnitDeps(d.text, deps);
  return { path: fragment.path, masked: false, dropIns: dropIns.map((d) => d.path), ...deps };
}
