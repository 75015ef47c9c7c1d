/**
 * sysctl.d(5) files: parsing, and which file's assignment of a key is applied last.
 * Lines are `key = value`; `#` and `;` start comments; a leading `-` on the key means
 * "ignore failures"; keys may use `/` as separator (`net/netfilter/...`). Later assignments
 * override earlier ones; /etc/sysctl.conf is read after every sysctl.d file. Pure.
 */
import { effectiveFiles, meaningfulLines } from './conf-files.js';
import type { ConfDir } from './facts.js';

/** One `key = value` line. */
export interface SysctlAssignment {
  /** Normalised to dots: `net.netfilter.nf_conntrack_tcp_be_liberal`. */
  key: string;
  value: string;
  line: number;
  /** The key had a leading `-`: a failure to set it is ignored. */
  ignoreFailure: boolean;
}

/** One file's assignment of the key of interest, in reading order. */
export interface SysctlSetting {
  path: string;
  line: number;
  value: string;
  ignoreFailure: boolean;
}

/** Every file that sets one key: applied in order, the last wins; masked ones are never read. */
export interface KeySettings {
  /** In the order they are applied. */
  settings: SysctlSetting[];
  /** The last of `settings`: the value the node gets at boot (null: no file sets the key). */
  winner: SysctlSetting | null;
  /** Settings in files that are not read because a same-named file in an earlier directory masks them. */
  masked: (SysctlSetting & { maskedBy: string })[];
}

/**
 * Normalises a key as systemd does: the first separator decides; if it is `/`, slashes
 * become dots and dots become slashes (`net/ipv4/conf/eth0.10/rp_filter`).
 */
export function normalizeSysctlKey(raw: string): string {
  const key = raw.trim().replace(/^\/+/, '');
  const first = key.search(/[./]/);
  if (first < 0 || key[first] === '.') return key;
  return key.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

/** Parses one file; lines that are not assignments are skipped, as systemd-sysctl does. */
export function parseSysctlFile(text: string): SysctlAssignment[] {
  const out: SysctlAssignment[] = [];
  for (const { line, text: t } of meaningfulLines(text)) {
    const eq = t.indexOf('=');
    if (eq < 0) continue;
    let key = t.slice(0, eq).trim();
    const ignoreFailure = key.startsWith('-');
    if (ignoreFailure) key = key.slice(1);
    if (key === '') continue;
    out.push({ key: normalizeSysctlKey(key), value: t.slice(eq + 1).trim(), line, ignoreFailure });
  }
  return out;
}

function settingsIn(path: string, text: string, key: string): SysctlSetting[] {
  return parseSysctlFile(text)
    .filter((a) => a.key === key)
    .map((a) => ({ path, line: a.line, value: a.value, ignoreFailure: a.ignoreFailure }));
}

/** Every assignment of `key` across the sysctl.d directories (precedence order) and /etc/sysctl.conf. */
export function settingsForKey(dirs: readonly ConfDir[], sysctlConf: string | null, key: string, sysctlConfPath = '/etc/sysctl.conf'): KeySettings {
  const files = effectiveFiles(dirs);
  const settings = files.flatMap((f) => settingsIn(f.path, f.text, key));
  if (sysctlConf !== null) settings.push(...settingsIn(sysctlConfPath, sysctlConf, key));
  const masked: KeySettings['masked'] = [];
  for (const f of files) {
    for (const path of f.masks) {
      const text = dirs.flatMap((d) => d.files).find((x) => x.path === path)?.text ?? '';
      // The same text usually means the same file seen twice (/lib -> usr/lib): not worth a mention.
      if (text === f.text) continue;
      masked.push(...settingsIn(path, text, key).map((s) => ({ ...s, maskedBy: f.path })));
    }
  }
  return { settings, winner: settings.at(-1) ?? null, masked };
}
