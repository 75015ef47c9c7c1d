/** Flattening nested report objects into path/text pairs, for fingerprint tables and diffs. Pure. */

/**
 * Flattens plain objects into `[path, text]` pairs in insertion order: strings as they are,
 * everything else as JSON (arrays stay whole), an empty object as "{}". Path parts are kept
 * separate (sysctl keys contain dots), so callers choose how to join them.
 */
export function flatten(value: unknown, path: string[] = []): Array<[string[], string]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [[path, '{}']];
    return entries.flatMap(([k, v]) => flatten(v, [...path, k]));
  }
  const text = typeof value === 'string' ? value : value === undefined ? 'undefined' : JSON.stringify(value);
  return [[path, text]];
}
