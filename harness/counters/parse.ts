/**
 * Pure parsers for the kernel counters resetlab reads: /proc/net/stat/nf_conntrack,
 * /proc/net/snmp and /proc/net/netstat, and `iptables-save -c`. Each throws
 * "failed to parse <source>: line N: <problem>" on input it does not understand, so a
 * format change shows up as an error, never as a silent zero. Tested on captured output
 * in test/fixtures/counters (capture.sh there says how).
 */

const CONNTRACK_SOURCE = '/proc/net/stat/nf_conntrack';

function lines(text: string): Array<{ no: number; text: string }> {
  return text
    .split('\n')
    .map((t, i) => ({ no: i + 1, text: t.trim() }))
    .filter((l) => l.text !== '');
}

function parseError(source: string, message: string, lineNo?: number): Error {
  return new Error(`failed to parse ${source}: ${lineNo === undefined ? '' : `line ${lineNo}: `}${message}`);
}

/**
 * Parses /proc/net/stat/nf_conntrack (one network namespace): a header of column names,
 * then one line of hex values per possible CPU. Returns every column summed over the CPU
 * lines, except `entries`: the kernel prints the namespace-wide entry count on EVERY line
 * (nf_conntrack_standalone.c, ct_cpu_seq_show), so it is taken from the first line, not
 * summed. On current kernels `new`, `ignore` and `delete` are always 0. Any whitespace is
 * accepted; throws on no header, no CPU line, a wrong value count or a non-hex value.
 */
export function parseConntrackStat(text: string): Record<string, number> {
  const [header, ...rows] = lines(text);
  if (!header) throw parseError(CONNTRACK_SOURCE, 'empty input');
  const columns = header.text.split(/\s+/);
  if (columns.some((c) => !/^[a-z_]+$/.test(c))) {
    throw parseError(CONNTRACK_SOURCE, `expected a header of column names, got "${header.text}"`, header.no);
  }
  if (rows.length === 0) throw parseError(CONNTRACK_SOURCE, 'no per-CPU lines after the header');
  const result: Record<string, number> = Object.fromEntries(columns.map((c) => [c, 0]));
  for (const row of rows) {
    const values = row.text.split(/\s+/);
    if (values.length !== columns.length) {
      throw parseError(CONNTRACK_SOURCE, `${values.length} values but ${columns.length} columns in the header`, row.no);
    }
    values.forEach((v, i) => {
      const column = columns[i] as string;
      if (!/^[0-9a-fA-F]{1,16}$/.test(v)) throw parseError(CONNTRACK_SOURCE, `"${v}" (${column}) is not hex`, row.no);
      const n = Number.parseInt(v, 16);
      result[column] = column === 'entries' && row !== rows[0] ? (result[column] as number) : (result[column] as number) + n;
    });
  }
  return result;
}

/**
 * Parses /proc/net/snmp or /proc/net/netstat (`source` names it in errors): pairs of
 * lines `Proto: Name1 Name2 ...` / `Proto: v1 v2 ...` (Ip, Icmp, IcmpMsg, Tcp, Udp,
 * UdpLite; TcpExt, IpExt, MPTcpExt). Returns `{ Proto: { Name: value } }`. Values are
 * decimal integers and may be negative (Tcp MaxConn is -1); counters above 2^53 lose
 * precision. Throws on an unpaired line, mismatched prefixes or counts, a repeated
 * protocol or a non-integer value.
 */
export function parseSnmp(text: string, source = '/proc/net/snmp'): Record<string, Record<string, number>> {
  const all = lines(text);
  if (all.length === 0) throw parseError(source, 'empty input');
  const result: Record<string, Record<string, number>> = {};
  for (let i = 0; i < all.length; i += 2) {
    const names = all[i] as { no: number; text: string };
    const values = all[i + 1];
    const m = /^([A-Za-z][A-Za-z0-9]*):\s+(.*)$/.exec(names.text);
    if (!m) throw parseError(source, `expected "Proto: Name ...", got "${names.text}"`, names.no);
    const proto = m[1] as string;
    if (!values) throw parseError(source, `${proto} header has no value line`, names.no);
    if (!values.text.startsWith(`${proto}:`)) {
      throw parseError(source, `expected the ${proto} value line, got "${values.text}"`, values.no);
    }
    if (proto in result) throw parseError(source, `${proto} appears twice`, names.no);
    const keys = (m[2] as string).split(/\s+/);
    const nums = values.text.slice(proto.length + 1).trim().split(/\s+/);
    if (keys.length !== nums.length) {
      throw parseError(source, `${proto} has ${keys.length} names but ${nums.length} values`, values.no);
    }
    result[proto] = Object.fromEntries(
      keys.map((k, j) => {
        const v = nums[j] as string;
        if (!/^-?\d+$/.test(v)) throw parseError(source, `${proto} ${k} = "${v}" is not an integer`, values.no);
        return [k, Number(v)];
      }),
    );
  }
  return result;
}

/** One rule of `iptables-save -c` with its counters. */
export interface IptablesRuleCounter {
  /** Table from the preceding `*table` line (filter, nat, mangle, raw, security). */
  table: string;
  chain: string;
  packets: number;
  bytes: number;
  /** Text of the first `-m comment --comment` (unquoted, unescaped), or null. */
  comment: string | null;
  /** The rule as printed, from `-A` on, without the counters. */
  rule: string;
}

const IPTABLES_SOURCE = 'iptables-save -c output';

/** Splits a rule into words the way iptables-save quotes them: "..." with \" \\ \' escapes. */
function words(rule: string, lineNo: number): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(rule); m; m = re.exec(rule)) {
    if (m[1] !== undefined) out.push(m[1].replace(/\\(.)/g, '$1'));
    else if ((m[2] as string).includes('"')) throw parseError(IPTABLES_SOURCE, `unbalanced quote in "${rule}"`, lineNo);
    else out.push(m[2] as string);
  }
  return out;
}

/**
 * Parses `iptables-save -c` (or ip6tables-save -c): every `[packets:bytes] -A CHAIN ...`
 * rule, in order, with its table. Chain lines (`:INPUT ACCEPT [0:0]`), COMMIT, `#` lines
 * and blank lines are skipped. Comments may be bare or double-quoted with escapes.
 * Throws on a rule before any `*table` line, a rule without counters (saved without -c)
 * or any other line it does not recognise.
 */
export function parseIptablesSaveCounters(text: string): IptablesRuleCounter[] {
  const rules: IptablesRuleCounter[] = [];
  let table: string | null = null;
  for (const line of lines(text)) {
    const t = line.text;
    if (t.startsWith('#') || t === 'COMMIT' || t.startsWith(':')) continue;
    if (t.startsWith('*')) {
      table = t.slice(1);
      continue;
    }
    if (t.startsWith('-A ')) throw parseError(IPTABLES_SOURCE, 'rule without [packets:bytes] counters (save with -c)', line.no);
    const m = /^\[(\d+):(\d+)\]\s+(-A\s+(\S+).*)$/.exec(t);
    if (!m) throw parseError(IPTABLES_SOURCE, `unrecognised line "${t}"`, line.no);
    if (table === null) throw parseError(IPTABLES_SOURCE, 'rule before any *table line', line.no);
    const rule = m[3] as string;
    const w = words(rule, line.no);
    const at = w.findIndex((word, i) => word === '--comment' && w[i - 1] === 'comment' && w[i - 2] === '-m');
    rules.push({
      table,
      chain: m[4] as string,
      packets: Number(m[1]),
      bytes: Number(m[2]),
      comment: at >= 0 ? (w[at + 1] ?? null) : null,
      rule,
    });
  }
  return rules;
}

/**
 * Sums the counters of every rule whose comment is exactly `comment` (across tables and
 * chains). Throws when no rule carries it: a missing counting rule is a bug, and
 * reporting 0 for it would hide the bug behind a plausible number.
 */
export function counterByComment(rules: IptablesRuleCounter[], comment: string): { packets: number; bytes: number } {
  const matching = rules.filter((r) => r.comment === comment);
  if (matching.length === 0) throw new Error(`failed to find an iptables rule with comment "${comment}"`);
  return matching.reduce((sum, r) => ({ packets: sum.packets + r.packets, bytes: sum.bytes + r.bytes }), { packets: 0, bytes: 0 });
}

/**
 * Sums the counters of every rule `-A <chain> <spec>` of `table` (a rule without a comment,
 * such as the real kube-proxy's INVALID drop). Throws when there is none, like counterByComment.
 */
export function counterByRule(rules: IptablesRuleCounter[], table: string, chain: string, spec: string): { packets: number; bytes: number } {
  const matching = rules.filter((r) => r.table === table && r.rule === `-A ${chain} ${spec}`);
  if (matching.length === 0) throw new Error(`failed to find the iptables rule -t ${table} -A ${chain} ${spec}`);
  return matching.reduce((sum, r) => ({ packets: sum.packets + r.packets, bytes: sum.bytes + r.bytes }), { packets: 0, bytes: 0 });
}
