/**
 * Pieces of report.html that are plain text work: escaping, the banner's sentence and
 * data-plane line, the comparison and environment tables. Pure; every string that comes from
 * a report (scenario names and descriptions are user input) goes through `esc`.
 */
import { formatRate } from '../verdict/index.js';
import { flatten } from './flatten.js';
import { comparisonRows } from './rows.js';
import type { Environment, RunReport } from './schema.js';

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One sentence a reader gets in five seconds: what happened in the baseline and fix arms. */
export function verdictSentence(report: RunReport): string {
  const base = report.arms[0];
  const fix = report.arms[report.arms.length - 1];
  const first = report.verdict.explanation.split(/(?<=\.)\s/)[0] ?? report.verdict.explanation;
  if (!base || !fix) return first;
  const rate = (n: number) => `${formatRate(n)} per million`;
  switch (report.verdict.outcome) {
    case 'reproduced':
      return `${base.name}: ${base.resets} connection resets in ${base.requests} requests (${rate(base.resetRate.perMillion)}); ` +
        `${fix.name}: none. The fix removes them.`;
    case 'not-reproduced':
      return base.resets + fix.resets === 0
        ? `No connection resets in either arm (${base.requests + fix.requests} requests): the failure did not occur here.`
        : `${base.resets + fix.resets} connection reset(s) in ${base.requests + fix.requests} requests, not the failure: it did not occur here.`;
    case 'not-fixed':
      return `${fix.name} still has ${fix.resets} connection resets in ${fix.requests} requests (${rate(fix.resetRate.perMillion)}): ` +
        'the fix does not remove them.';
    default:
      return first;
  }
}

/** "real IPVS", or "emulated with iptables (no ip_vs on this kernel)": never calls a stand-in ipvs. */
export function dataPlaneLine(env: Environment): string {
  if (env.proxyMode === 'ipvs') return 'real IPVS';
  const r = env.proxyModeReason;
  const why = /no ip_vs|ip_vs (is )?not (loaded|available)|CONFIG_IP_VS/i.test(r)
    ? 'no ip_vs on this kernel'
    : /ipvsadm is not installed/i.test(r)
      ? 'ipvsadm not installed'
      : /^requested\b/i.test(r)
        ? `the scenario asked for ${env.proxyMode}`
        : r;
  return `emulated with ${env.proxyMode} (${why})`;
}

/** The comparison table (rows.ts), arms as columns; the reset rows are highlighted. */
export function comparisonTable(report: RunReport): string {
  const rows = comparisonRows(report);
  const head = `<tr><th></th>${report.arms.map((a) => `<th class="arm">${esc(a.name)}</th>`).join('')}</tr>`;
  let group = rows[0]?.group;
  const body = rows.map((r) => {
    const classes = [r.group !== group ? 'group-start' : '', /^resets/.test(r.label) ? 'key' : ''].filter(Boolean).join(' ');
    group = r.group;
    // A label indented in the rows (a sysctl under its heading) is indented here too.
    return `<tr${classes ? ` class="${classes}"` : ''}><td${/^\s/.test(r.label) ? ' class="sub"' : ''}>${esc(r.label.trim())}</td>${r.cells.map((c) => `<td class="num">${esc(c)}</td>`).join('')}</tr>`;
  });
  return `<table class="compare"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

const ENV_LABELS: Record<string, string> = {
  kernel: 'kernel', driver: 'lab driver', proxyMode: 'proxy data plane (actually used)', proxyModeReason: 'why this data plane',
  nodeVersion: 'Node.js', autocannonVersion: 'autocannon', resetlabVersion: 'resetlab', gitCommit: 'git commit', cpus: 'CPUs',
  hostname: 'hostname',
};

/** The environment fingerprint: every field of `environment`, nested ones (knobs, sysctls, rps, kubernetes) flattened. */
export function environmentTable(env: Environment): string {
  const rows = flatten(env).map(([path, text]) => {
    const [top = '', ...rest] = path;
    const label = rest.length === 0 ? (ENV_LABELS[top] ?? top) : `${top} / ${rest.join(' / ')}`;
    return `<tr><th>${esc(label)}</th><td>${esc(text)}</td></tr>`;
  });
  return `<table class="env"><tbody>${rows.join('')}</tbody></table>`;
}

/** The data-plane rules each arm ran with, per node (empty when the driver did not report them). */
export function dataPlaneRulesSection(report: RunReport): string {
  const arms = report.arms.filter((a) => a.dataPlaneRules);
  if (arms.length === 0) return '';
  const body = arms
    .map((a) => {
      const nodes = Object.entries(a.dataPlaneRules!)
        .map(([node, rules]) => `<li>${esc(node)}<ul>${(rules.length ? rules : ['(none)']).map((r) => `<li><code>${esc(r)}</code></li>`).join('')}</ul></li>`)
        .join('');
      return `<h3>${esc(a.name)}</h3><ul class="rules">${nodes}</ul>`;
    })
    .join('');
  return `<section><details><summary><h2 style="display:inline">Data-plane rules per arm</h2></summary>${body}</details></section>`;
}
