/**
 * `summary.md`: the same table and verdict as the terminal, in GitHub-flavoured Markdown,
 * ready to paste into an issue. Pure.
 */
import { fateSentences } from './fates-text.js';
import { comparisonRows, headline, kubeProxyLine, stoppingLines, stoppingSentence } from './rows.js';
import type { RunReport } from './schema.js';

const cell = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');

/** Renders the report as Markdown. */
export function renderMarkdown(report: RunReport): string {
  const env = report.environment;
  const rows = comparisonRows(report);
  return [
    `## resetlab: ${cell(headline(report))}`,
    '',
    `**Verdict: \`${report.verdict.outcome}\`.** ${report.verdict.explanation}`,
    '',
    `| | ${report.arms.map((a) => cell(a.name)).join(' | ')} |`,
    `|---|${report.arms.map(() => '---:').join('|')}|`,
    ...rows.map((r) => `| ${cell(r.label)} | ${r.cells.map(cell).join(' | ')} |`),
    '',
    `Test: ${report.verdict.test}, alpha ${report.verdict.alpha}.`,
    '',
    ...fateSentences(report).flatMap((l) => [`Fates: ${cell(l)}`, '']),
    ...[stoppingSentence(report)].filter((l): l is string => l !== null).flatMap((l) => [cell(l), '', ...stoppingLines(report).map((a) => `- ${cell(a)}`), '']),
    '<details><summary>Environment</summary>',
    '',
    `- kernel \`${env.kernel}\`, ${env.cpus} CPUs, driver \`${env.driver}\``,
    `- data plane \`${env.proxyMode}\`: ${env.proxyModeReason}`,
    ...(env.kubeProxy ? [`- ${kubeProxyLine(report)}${env.kubeProxy.dropInvalidReason ? `; ${env.kubeProxy.dropInvalidReason}` : ''}`] : []),
    ...(env.kubeProxy?.deprecation ? [`- deprecated: ${env.kubeProxy.deprecation}`] : []),
    `- knobs: \`${JSON.stringify(env.knobs)}\``,
    `- Node ${env.nodeVersion}, autocannon ${env.autocannonVersion}, resetlab ${env.resetlabVersion}${env.gitCommit ? ` (${env.gitCommit.slice(0, 12)})` : ''}`,
    ...(env.vm ? [`- vm: kernel \`${env.vm.kernelRelease}\` from ${env.vm.kernelSource.kind === 'debian' ? `Debian package \`${String(env.vm.kernelSource.package)}\` ${String(env.vm.kernelSource.version)}` : 'a path'}, ${env.vm.accel} (${env.vm.accelReason ?? ''}), qemu ${env.vm.qemuVersion}, boot ${env.vm.bootSec} s, deadlines x${env.vm.timeScale}${env.vm.loadAdjusted.length ? `; load adjusted: ${env.vm.loadAdjusted.join(', ')}` : ''}`] : []),
    `- scenario \`${report.scenario.name}\` from \`${report.scenario.source}\`; ${report.complete ? 'complete' : '**incomplete**'} run, ${report.elapsedSec.toFixed(1)} s`,
    '',
    '</details>',
    ...dataPlaneSection(report),
    ...(report.notes.length ? ['', ...report.notes.map((n) => `> Note: ${n}`)] : []),
    '',
  ].join('\n');
}

/** A collapsed list of the data-plane rules each arm ran with (when the driver reported them). */
function dataPlaneSection(report: RunReport): string[] {
  const arms = report.arms.filter((a) => a.dataPlaneRules);
  if (arms.length === 0) return [];
  const lines = ['', '<details><summary>Data-plane rules per arm</summary>', ''];
  for (const a of arms) {
    lines.push(`**${cell(a.name)}**`, '');
    for (const [node, rules] of Object.entries(a.dataPlaneRules!)) {
      lines.push(`- ${node}:`, ...(rules.length ? rules.map((r) => `  - \`${r.replace(/`/g, "'")}\``) : ['  - (none)']));
    }
    lines.push('');
  }
  lines.push('</details>');
  return lines;
}
