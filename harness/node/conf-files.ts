/**
 * systemd's rules for `*.d/*.conf` directories (sysctl.d, modules-load.d, unit drop-ins):
 * a file in an earlier directory masks files of the same name in later ones, and the
 * remaining files are read in lexicographic (byte) order of their names, whatever their
 * directory. Pure.
 */
import type { ConfDir, ConfFile } from './facts.js';

/** A file that will be read, with the same-named files it masks. */
export interface EffectiveFile extends ConfFile {
  /** Paths of later files with the same name that are not read because of this one. */
  masks: string[];
}

/** Compares names as strcmp does on their UTF-8 bytes (systemd's order). */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Whether systemd would consider this directory entry (`*.conf`, not hidden). */
export function isConfName(name: string): boolean {
  return name.endsWith('.conf') && !name.startsWith('.');
}

/** The files read, in reading order; `dirs` must be in precedence order (highest first). */
export function effectiveFiles(dirs: readonly ConfDir[]): EffectiveFile[] {
  const byName = new Map<string, EffectiveFile>();
  for (const dir of dirs) {
    for (const file of dir.files) {
      if (!isConfName(file.name)) continue;
      const winner = byName.get(file.name);
      if (winner) winner.masks.push(file.path);
      else byName.set(file.name, { ...file, masks: [] });
    }
  }
  return [...byName.values()].sort((a, b) => compareNames(a.name, b.name));
}

/** Comment lines start with `#` or `;` after optional whitespace; blank lines are skipped too. */
export function meaningfulLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (t !== '' && !t.startsWith('#') && !t.startsWith(';')) out.push({ line: i + 1, text: t });
  });
  return out;
}
