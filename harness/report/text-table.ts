/**
 * A plain-text table that fits a width: a left-aligned label column, right-aligned value
 * columns, two spaces between columns, rules between groups. Cells too wide for their share
 * are wrapped at spaces; when the columns do not fit even so, the value columns are split into
 * several tables one after another, each with the label column (see `renderTextTable`). Own code rather than cli-table3 (only a transitive dependency here): that
 * draws boxes, this keeps the borderless layout the terminal report always had. Pure.
 * Widths count UTF-16 code units (wide characters in user-given names may overrun).
 */

/** A body row: a label and one cell per value column; `ruleBefore` draws a rule above it. */
export interface TextRow {
  label: string;
  cells: string[];
  ruleBefore?: boolean;
}

/**
 * Layout limits: total `width` (default 100); the label column at most `labelMax` (30) and,
 * when value columns need the room, down to `labelMin` (20); a value column at least
 * `columnMin` (8) unless its cells are all narrower.
 */
export interface TextTableOptions {
  width?: number;
  labelMax?: number;
  labelMin?: number;
  columnMin?: number;
}

const GAP = 2;

/** A unit that stays with the number before it. */
const UNIT = /^(s|ms|req|Gbit\/s)[),;]*$/;

/** The words of `text`: split at spaces, except between a number and its unit ("10 s", "(2266 req)" stay whole). */
function words(text: string): string[] {
  const out: string[] = [];
  for (const w of text.trim().split(/\s+/)) {
    const last = out[out.length - 1];
    if (last !== undefined && /\d$/.test(last) && UNIT.test(w)) out[out.length - 1] = `${last} ${w}`;
    else out.push(w);
  }
  return out;
}

/** The longest word of `text` (see `words`): the narrowest a column can be without cutting one. */
export function longestWord(text: string): number {
  return Math.max(0, ...words(text).map((w) => w.length));
}

/**
 * Splits `text` into lines of at most `width` at spaces (see `words`); a word longer than the
 * line is cut after its last `=`, `,`, `_`, `-`, `/` or `.` that fits (or at the width if none).
 * Keeps leading indentation.
 */
export function wrapText(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const indent = /^ */.exec(text)![0].slice(0, Math.max(0, width - 1));
  const room = width - indent.length;
  const lines: string[] = [];
  let line = '';
  const flush = () => {
    if (line) lines.push(indent + line);
    line = '';
  };
  for (let word of words(text)) {
    if (line && line.length + 1 + word.length > room) flush();
    while (word.length > room) {
      flush();
      const soft = Math.max(...['=', ',', '_', '-', '/', '.'].map((c) => word.lastIndexOf(c, room - 1)));
      const cut = soft >= room / 2 ? soft + 1 : room;
      lines.push(indent + word.slice(0, cut));
      word = word.slice(cut);
    }
    line = line ? `${line} ${word}` : word;
  }
  flush();
  return lines;
}

/** Column widths for `natural` widths in `avail` characters: narrow columns keep theirs, the rest share what is left evenly. */
function share(natural: number[], avail: number): number[] {
  const widths = [...natural];
  let open = natural.map((_, i) => i);
  let left = Math.max(0, avail);
  for (;;) {
    if (open.length === 0) return widths;
    const fair = Math.floor(left / open.length);
    const fits = open.filter((i) => natural[i]! <= fair);
    if (fits.length === 0) {
      open.forEach((i, k) => (widths[i] = fair + (k < left - fair * open.length ? 1 : 0)));
      return widths;
    }
    for (const i of fits) left -= natural[i]!;
    open = open.filter((i) => natural[i]! > fair);
  }
}

function renderBlock(header: string[], rows: TextRow[], labelWidth: number, widths: number[]): string[] {
  const all = [labelWidth, ...widths];
  const draw = (label: string, cells: string[]): string[] => {
    const wrapped = [wrapText(label, labelWidth), ...cells.map((c, i) => wrapText(c, widths[i]!))];
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) =>
      wrapped.map((w, i) => (i === 0 ? (w[k] ?? '').padEnd(all[i]!) : (w[k] ?? '').padStart(all[i]!))).join(' '.repeat(GAP)),
    );
  };
  const rule = all.map((w) => '-'.repeat(w)).join(' '.repeat(GAP));
  const lines = [...draw('', header), rule];
  for (const r of rows) {
    if (r.ruleBefore) lines.push(rule);
    lines.push(...draw(r.label, r.cells));
  }
  return lines;
}

/**
 * The table's lines, every one exactly as wide as its block and none wider than
 * `options.width` (as long as `labelMin + 2 + columnMin` fits in it). Each value column gets
 * at least its longest word (see `longestWord`) and at most its widest cell; when that does
 * not fit, the label column narrows (down to `labelMin`), then the value columns are split
 * into blocks, each after an empty line with the label column again; a column that still
 * does not fit alone gets the room there is, and its words are cut.
 */
export function renderTextTable(header: string[], rows: TextRow[], options: TextTableOptions = {}): string[] {
  const width = options.width ?? 100;
  const labelMax = options.labelMax ?? 30;
  const labelMin = Math.min(labelMax, options.labelMin ?? 20);
  const columnMin = options.columnMin ?? 8;
  const labelNatural = Math.min(labelMax, Math.max(0, ...rows.map((r) => r.label.length)));
  const column = (i: number) => [header[i] ?? '', ...rows.map((r) => r.cells[i] ?? '')];
  const natural = header.map((_, i) => Math.max(1, ...column(i).map((c) => c.length)));
  const least = header.map((_, i) => Math.min(natural[i]!, Math.max(columnMin, ...column(i).map(longestWord))));
  const need = (cols: number[]) => cols.reduce((s, i) => s + GAP + least[i]!, 0);
  // Columns into blocks, greedily, each needing at most what is left beside the narrowest label column.
  const blocks: number[][] = [];
  for (const i of header.map((_, k) => k)) {
    const current = blocks[blocks.length - 1];
    if (current && labelMin + need([...current, i]) <= width) current.push(i);
    else blocks.push([i]);
  }
  const out: string[] = [];
  blocks.forEach((cols, b) => {
    const labelWidth = Math.max(labelMin, Math.min(labelNatural, width - need(cols)));
    const avail = width - labelWidth - GAP * cols.length;
    const floor = cols.map((i) => least[i]!);
    const spare = avail - floor.reduce((s, w) => s + w, 0);
    const widths = spare >= 0
      ? share(cols.map((i) => natural[i]! - least[i]!), spare).map((extra, k) => floor[k]! + extra)
      : share(floor, avail).map((w) => Math.max(1, w));
    if (b > 0) out.push('');
    out.push(...renderBlock(cols.map((i) => header[i]!), rows.map((r) => ({ ...r, cells: cols.map((i) => r.cells[i] ?? '') })), Math.min(labelWidth, labelNatural), widths));
  });
  return out;
}
