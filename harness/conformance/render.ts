/**
 * The conformance report as a person reads it (pure): one line per path, every unknown
 * difference in full, the known ones counted (their reasons and sources are in the JSON and
 * in docs/kube-proxy.md), stale entries, and the verdict line.
 */
import type { ConformanceReport } from './run.js';

/** Terminal text for `resetlab kube-proxy conformance`. */
export function renderConformance(r: ConformanceReport): string {
  const lines = [
    `Conformance: the real kube-proxy ${r.kubeProxy.version} (${r.kubeProxy.source}) against resetlab's ${r.model.version} model, ${r.mode} mode, kernel ${r.kernel}`,
    `Known differences: ${r.knownDifferences.list ? `${r.knownDifferences.count} listed for ${r.knownDifferences.list} ${r.mode} mode` : `none listed for ${r.model.version}: every difference counts`}`,
    '',
  ];
  const width = Math.max(...r.paths.map((p) => p.scenario.length), 10);
  for (const p of r.paths) {
    if (p.error) {
      lines.push(`  ${p.scenario.padEnd(width)}  NOT COMPARED: ${p.error.split('\n')[0]}`);
      continue;
    }
    const known = p.differences.length - p.unknown;
    const what = p.differences.length === 0 ? 'identical' : p.unknown === 0 ? `${known} difference(s), all known` : `${p.unknown} UNKNOWN difference(s) (+${known} known)`;
    lines.push(`  ${p.scenario.padEnd(width)}  ${what}  [${p.ruleCount.real} real / ${p.ruleCount.model} model rules; programmed after ${p.kubeProxy.programmedSec} s]`);
    for (const d of p.differences.filter((d) => !d.known)) lines.push(`      ${d.side} ${d.table} ${d.chain}: ${d.rule}`);
  }
  for (const n of r.notRun) lines.push(`  ${n.padEnd(width)}  not compared (interrupted)`);
  if (r.stale.length > 0) {
    lines.push('', `Stale known differences (no path needed them; remove them from harness/dataplane/known-differences.ts):`);
    for (const s of r.stale) lines.push(`  ${s.side} ${s.table} ${s.chain}: ${s.rule}`);
  }
  const unknown = r.paths.reduce((n, p) => n + p.unknown, 0);
  lines.push(
    '',
    r.ok
      ? `Conformant: every difference is known and cited; no entry is stale (${r.elapsedSec} s).`
      : `NOT conformant: ${[unknown > 0 ? `${unknown} unknown difference(s)` : '', r.stale.length > 0 ? `${r.stale.length} stale known difference(s)` : '', r.notRun.length > 0 ? `${r.notRun.length} path(s) not compared` : '', r.paths.some((p) => p.error) ? `${r.paths.filter((p) => p.error).length} path(s) failed` : '', r.paths.some((p) => !p.error && (p.ruleCount.real === 0 || p.ruleCount.model === 0)) ? 'a side wrote no rules' : ''].filter(Boolean).join(', ')} (${r.elapsedSec} s).`,
  );
  return lines.join('\n') + '\n';
}
