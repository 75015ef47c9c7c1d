/**
 * Renders a `ProveReport` as terminal text and as Markdown (summary.md, attachable to a
 * change request). Pure.
 */
import { describeOrigin, describeValue, explain, timeline } from './timeline.js';
import type { ProveBoot, ProveReport } from './prove-report.js';

function at(t: number | null): string {
  return t === null ? '        ' : `${t.toFixed(2).padStart(7)}s`;
}

function title(b: ProveBoot): string {
  return b.label === 'before' ? 'Boot 1: the node configuration as given' : 'Boot 2: with `node persist --apply`';
}

/** Whether the boot agreed with node check's prediction, as a suffix. */
export function agreement(b: ProveBoot): string {
  if (!b.predicted || b.outcome === 'unknown' || b.predicted.kind === 'unconfirmed') return '';
  return (b.predicted.kind === 'survives') === (b.outcome === 'kept') ? ' (the boot agrees)' : ' (the boot DISAGREES)';
}

/** The lines every rendering shows about the setup. */
export function setupLines(r: ProveReport): string[] {
  return [
    `kernel ${r.kernel.release} (${r.kernel.source}), ${r.init}, Debian ${r.rootfs.suite} rootfs ${r.rootfs.key} (${(r.rootfs.sizeBytes / 1e6).toFixed(0)} MB${r.rootfs.builtThisRun ? `, built in ${r.rootfs.buildSeconds.toFixed(0)} s` : ', cached'}), QEMU ${r.accel.toUpperCase()}, no NIC`,
    `node configuration: ${r.config.source} (${r.config.paths.join(', ') || 'none of the boot-time files'})`,
    `after boot: ${r.proxyStep}`,
  ];
}

/** Terminal text. */
export function renderProveText(r: ProveReport): string {
  const out: string[] = ['resetlab node prove', ...setupLines(r).map((l) => `  ${l}`), ''];
  for (const b of r.boots) {
    out.push(`${title(b).replace(/`/g, '')}  (${b.seconds.toFixed(0)} s in qemu, ${b.accel.toUpperCase()}${b.evidence.startup ? `; ${b.evidence.startup}` : ''})`);
    if (b.label === 'after' && r.fix) for (const l of r.fix.lines) out.push(`  node persist --apply: ${l}`);
    for (const e of timeline(b.evidence, r.proxyStep)) out.push(`  ${at(e.at)}  ${e.what}`);
    out.push(`  nf_conntrack: ${describeOrigin(b.evidence)}`);
    if (b.predicted) out.push(`  node check (from the files, before booting): ${b.predicted.text}${agreement(b)}`);
    out.push(`  => be_liberal = ${describeValue(b.evidence.liberalAfterProxy)}: ${explain(b.evidence)}`, '');
  }
  for (const w of r.fix?.warnings ?? []) out.push(`warning: ${w}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  out.push(`verdict: ${r.verdict.text}`);
  return out.join('\n') + '\n';
}

/** summary.md. */
export function renderProveMarkdown(r: ProveReport): string {
  const out: string[] = [`# be_liberal across a real reboot: ${r.verdict.outcome === 'kept' ? 'kept' : r.verdict.outcome}`, '', `**${r.verdict.text}**`, ''];
  out.push(...setupLines(r).map((l) => `- ${l}`), `- started ${r.startedAt}`, '');
  out.push('| boot | be_liberal after boot | after the kube-proxy step | nf_conntrack | qemu seconds |', '|---|---|---|---|---|');
  for (const b of r.boots) {
    out.push(`| ${b.label} | ${describeValue(b.evidence.liberalAfterBoot)} | **${describeValue(b.evidence.liberalAfterProxy)}** | ${describeOrigin(b.evidence)} | ${b.seconds.toFixed(0)} |`);
  }
  out.push('');
  for (const b of r.boots) {
    out.push(`## ${title(b)}`, '');
    if (b.label === 'after' && r.fix) out.push(...r.fix.lines.map((l) => `- node persist --apply: ${l}`), '');
    out.push('```', ...timeline(b.evidence, r.proxyStep).map((e) => `${at(e.at)}  ${e.what}`), '```', '', explain(b.evidence), '');
    if (b.predicted) out.push(`\`node check\`, from the same files before booting: ${b.predicted.text}${agreement(b)}.`, '');
    out.push(`Raw evidence: \`${b.folder}/out/\`, console: \`${b.folder}/console.log\`.`, '');
  }
  if (r.notes.length > 0) out.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}
