/**
 * Sysctl commands and their output, shared by the drivers (each runs them inside a node).
 * Values are always read back after writing; a value that differs is an error, never assumed.
 */

/** argv that writes the given values (`sysctl -w k=v ...`). */
export function sysctlWriteArgv(values: Record<string, number>): string[] {
  return ['sysctl', '-w', ...Object.entries(values).map(([k, v]) => `${k}=${v}`)];
}

/** argv that reads keys, skipping unknown ones (`sysctl -e k ...`), output `k = v` lines. */
export function sysctlReadArgv(keys: readonly string[]): string[] {
  return ['sysctl', '-e', ...keys];
}

/** Parses `k = v` lines into numbers; non-numeric values (e.g. masks with tabs) are skipped. */
export function parseSysctlOutput(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([\w.\-/]+)\s*=\s*(-?\d+)\s*$/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Lists `key: wanted X, read back Y` for every key whose read-back differs from what was written. */
export function sysctlMismatches(wanted: Record<string, number>, read: Record<string, number>): string[] {
  return Object.entries(wanted)
    .filter(([k, v]) => read[k] !== v)
    .map(([k, v]) => `${k}: wanted ${v}, read back ${read[k] ?? 'nothing (key absent)'}`);
}
