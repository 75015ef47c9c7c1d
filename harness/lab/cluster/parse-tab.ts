/** Tab-separated kubectl jsonpath output (one object per line), shared by the cluster drivers. Pure. */

/**
 * Parses tab-separated lines printed by a kubectl jsonpath `range` (one record a line) into
 * records with the given field names; every line must have exactly that many fields.
 */
export function parseTabLines<K extends string>(text: string, fields: readonly K[], source: string): Record<K, string>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      const values = line.replace(/\r$/, '').split('\t');
      if (values.length !== fields.length) {
        throw new Error(`failed to parse ${source}: line ${i + 1}: expected ${fields.length} tab-separated fields (${fields.join(', ')}), got "${line}"`);
      }
      return Object.fromEntries(fields.map((f, j) => [f, values[j]!.trim()])) as Record<K, string>;
    });
}
