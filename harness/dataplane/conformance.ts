/**
 * Conformance of the modelled data plane with the real kube-proxy (pure): both `iptables-save`
 * outputs are normalised the same way (counters, comments, `#` lines and chain-name hashes
 * removed: KUBE-SVC-<hash> and the model's KUBE-SVC-<run tag> both become KUBE-SVC-*), the
 * apiserver's own `kubernetes` Service (which only the real control plane has) is taken out,
 * and what remains is compared chain by chain, in order. Each difference is either in the
 * known list (with its citation) or a conformance failure.
 */

/** One normalised rule: `table chain rule`. */
export interface NormalRule {
  table: string;
  chain: string;
  rule: string;
}

const HASHED = /\bKUBE-(SVC|SEP|EXT|FW|XLB|SVL)-[A-Z0-9]+\b/g;

function stripComment(rule: string): string {
  return ` ${rule}`.replace(/ -m comment --comment ("(?:[^"\\]|\\.)*"|\S+)/g, '').trim();
}

/** Normalised KUBE-* rules (and built-in chains' jumps into KUBE-*) of the nat and filter tables. */
export function normaliseIptables(save: string): NormalRule[] {
  const out: NormalRule[] = [];
  let table = '';
  for (const raw of save.split('\n')) {
    const line = raw.replace(/^\[\d+:\d+\]\s+/, '').trim();
    if (line.startsWith('*')) table = line.slice(1);
    if (table !== 'nat' && table !== 'filter') continue;
    const m = /^-A (\S+) (.*)$/.exec(line);
    if (!m) continue;
    const [chain, rest] = [m[1]!, m[2]!];
    if (!chain.startsWith('KUBE-') && !/-j KUBE-/.test(rest)) continue;
    out.push({ table, chain: chain.replace(HASHED, 'KUBE-$1-*'), rule: stripComment(rest).replace(HASHED, 'KUBE-$1-*').replace(/\s+/g, ' ').trim() });
  }
  return out;
}

/**
 * Drops the rules of the Service at `vip` (the apiserver's `kubernetes` Service, 10.96.0.1:443,
 * and the chains it jumps to) from a save *before* normalising, by following its chains.
 */
export function withoutService(save: string, vip: string): string {
  const lines = save.split('\n');
  const chains = new Set<string>();
  for (const l of lines) {
    const m = /-A KUBE-SERVICES .*-d (\S+)\/32 .*-j (KUBE-SVC-\S+)/.exec(l);
    if (m && m[1] === vip) chains.add(m[2]!);
  }
  for (const l of lines) {
    const m = /-A (KUBE-SVC-\S+) .*-j (KUBE-SEP-\S+)/.exec(l);
    if (m && chains.has(m[1]!)) chains.add(m[2]!);
  }
  return lines
    .filter((l) => {
      const m = /-A (\S+) (.*)$/.exec(l.replace(/^\[\d+:\d+\]\s+/, ''));
      if (!m) return !/^:(\S+)/.test(l) || !chains.has(/^:(\S+)/.exec(l)![1]!);
      return !chains.has(m[1]!) && !(m[1] === 'KUBE-SERVICES' && new RegExp(`-d ${vip.replace(/\./g, '\\.')}/32 `).test(m[2]!));
    })
    .join('\n');
}

/** A difference between the real rules and the model's. */
export interface RuleDifference {
  side: 'real-only' | 'model-only';
  table: string;
  chain: string;
  rule: string;
}

/** A difference that is known and explained. */
export interface KnownDifference extends Omit<RuleDifference, 'rule'> {
  /** The normalised rule text, or a RegExp source matched against it. */
  rule: string | RegExp;
  why: string;
  cite: string;
}

/** Every difference, as multisets per (table, chain). */
export function diffRules(real: NormalRule[], model: NormalRule[]): RuleDifference[] {
  const key = (r: NormalRule) => `${r.table}\u0000${r.chain}\u0000${r.rule}`;
  const count = (rs: NormalRule[]) => rs.reduce((m, r) => m.set(key(r), (m.get(key(r)) ?? 0) + 1), new Map<string, number>());
  const [a, b] = [count(real), count(model)];
  const out: RuleDifference[] = [];
  for (const [k, n] of a) for (let i = b.get(k) ?? 0; i < n; i++) out.push(split('real-only', k));
  for (const [k, n] of b) for (let i = a.get(k) ?? 0; i < n; i++) out.push(split('model-only', k));
  return out;
}

function split(side: RuleDifference['side'], k: string): RuleDifference {
  const [table, chain, rule] = k.split('\u0000') as [string, string, string];
  return { side, table, chain, rule };
}

/** Differences not explained by `known`, and the known ones that did not occur (stale entries). */
/** The known entry that explains `d`, if any (same side, table and chain; the rule equal or matching). */
export function matchKnown(d: RuleDifference, known: readonly KnownDifference[]): KnownDifference | undefined {
  return known.find((k) => k.side === d.side && k.table === d.table && k.chain === d.chain && (typeof k.rule === 'string' ? k.rule === d.rule : k.rule.test(d.rule)));
}

export function unexplained(diffs: RuleDifference[], known: KnownDifference[]): { unknown: RuleDifference[]; unused: KnownDifference[] } {
  const used = new Set<KnownDifference>();
  const unknown = diffs.filter((d) => {
    const k = matchKnown(d, known);
    if (k) used.add(k);
    return !k;
  });
  return { unknown, unused: known.filter((k) => !used.has(k)) };
}
