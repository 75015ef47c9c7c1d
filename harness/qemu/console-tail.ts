/**
 * Splits a serial console byte stream into lines and keeps the last N (pure). Strips CR,
 * terminal escape sequences and other control characters a guest console emits.
 */

/** Removes ANSI escapes and control characters except tab. */
export function cleanConsoleLine(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\x1b[()][0-9A-Za-z]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/** Line splitter with a bounded tail. */
export class ConsoleTail {
  private partial = '';
  private readonly kept: string[] = [];

  constructor(private readonly max: number) {}

  /** Adds text; returns the complete lines it finished. */
  push(text: string): string[] {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    const lines = parts.map(cleanConsoleLine);
    for (const l of lines) this.keep(l);
    return lines;
  }

  /** Ends the stream: returns the unterminated last line, if any. */
  flush(): string[] {
    if (this.partial === '') return [];
    const line = cleanConsoleLine(this.partial);
    this.partial = '';
    this.keep(line);
    return [line];
  }

  /** Adds a line of our own (e.g. a spawn failure) to the tail. */
  note(line: string): void {
    this.keep(line);
  }

  /** The last lines kept. */
  lines(): string[] {
    return [...this.kept];
  }

  private keep(line: string): void {
    this.kept.push(line);
    if (this.kept.length > this.max) this.kept.shift();
  }
}
