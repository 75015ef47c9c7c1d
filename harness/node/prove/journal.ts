/**
 * Parsers of what systemd prints in the guest (pure): `journalctl -o short-monotonic`,
 * `systemctl show -p ...` blocks, and `systemd-analyze`'s "Startup finished" line. Tested
 * on output captured from real boots (test/fixtures/node-prove/).
 */

/** One journal line: seconds since the kernel started, the identifier (`systemd`, `systemd-sysctl`, `kernel`) and the message. */
export interface JournalLine {
  at: number;
  ident: string;
  message: string;
}

const LINE = /^\[\s*(\d+\.\d+)\]\s+\S+\s+([^\s:[]+)(?:\[\d+\])?:\s(.*)$/;

/** Parses `journalctl -o short-monotonic` text; lines that are not entries (`-- Boot ... --`) are skipped. */
export function parseJournal(text: string): JournalLine[] {
  const out: JournalLine[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m) out.push({ at: Number(m[1]), ident: m[2]!, message: m[3]! });
  }
  return out;
}

/** One unit's properties from `systemctl show -p Id,...` (blocks separated by blank lines). */
export type UnitProperties = Record<string, string>;

/** Parses `systemctl show` output for several units, keyed by `Id`. */
export function parseSystemctlShow(text: string): Map<string, UnitProperties> {
  const units = new Map<string, UnitProperties>();
  for (const block of text.split(/\n\s*\n/)) {
    const props: UnitProperties = {};
    for (const line of block.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1);
    }
    if (props.Id) units.set(props.Id, props);
  }
  return units;
}

/** A monotonic µs timestamp property as seconds, or null when 0 / absent (the unit never got there). */
export function monotonicSeconds(props: UnitProperties | undefined, key: string): number | null {
  const raw = props?.[key];
  if (raw === undefined || !/^\d+$/.test(raw) || raw === '0') return null;
  return Number(raw) / 1e6;
}

/** systemd-analyze's summary, e.g. `Startup finished in 2.472s (kernel) + 6.108s (userspace) = 8.580s`, or null. */
export function startupLine(text: string): string | null {
  return /^Startup finished in .*$/m.exec(text)?.[0].trim() ?? null;
}
