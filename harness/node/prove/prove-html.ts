/**
 * Renders a `ProveReport` as one self-contained report.html (no scripts, no external
 * resources) for a change request. Pure; every string from the report goes through `esc`.
 */
import { esc } from '../../report/html-parts.js';
import { describeOrigin, describeValue, explain, timeline } from './timeline.js';
import type { ProveReport } from './prove-report.js';
import { agreement, setupLines } from './prove-render.js';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
.banner{padding:.8em 1em;border-radius:6px;font-weight:600}.kept{background:#e6f4ea}.lost,.unknown{background:#fce8e6}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
pre{background:#f6f8fa;padding:.8em;overflow-x:auto}td.v{font-weight:600}`;

/** report.html. */
export function renderProveHtml(r: ProveReport): string {
  const rows = r.boots
    .map((b) => `<tr><td>${esc(b.label)}</td><td>${esc(describeValue(b.evidence.liberalAfterBoot))}</td><td class="v">${esc(describeValue(b.evidence.liberalAfterProxy))}</td><td>${esc(describeOrigin(b.evidence))}</td><td>${b.seconds.toFixed(0)}</td></tr>`)
    .join('\n');
  const boots = r.boots
    .map((b) => {
      const fix = b.label === 'after' && r.fix ? `<ul>${r.fix.lines.map((l) => `<li>node persist --apply: ${esc(l)}</li>`).join('')}</ul>` : '';
      const lines = timeline(b.evidence, r.proxyStep).map((e) => `${e.at === null ? '        ' : `${e.at.toFixed(2).padStart(7)}s`}  ${e.what}`);
      return `<h2>${b.label === 'before' ? 'Boot 1: the node configuration as given' : 'Boot 2: with <code>node persist --apply</code>'}</h2>
${fix}<pre>${esc(lines.join('\n'))}</pre>
<p>${esc(explain(b.evidence))}</p>
${b.predicted ? `<p><code>node check</code>, from the same files before booting: ${esc(b.predicted.text + agreement(b))}.</p>` : ''}
<p>Raw evidence: <code>${esc(b.folder)}/out/</code>, console <code>${esc(b.folder)}/console.log</code>.</p>`;
    })
    .join('\n');
  const notes = r.notes.length > 0 ? `<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>resetlab node prove: ${esc(r.verdict.outcome)}</title><style>${STYLE}</style></head>
<body>
<h1>be_liberal across a real reboot</h1>
<div class="banner ${esc(r.verdict.outcome)}">${esc(r.verdict.text)}</div>
<ul>${[...setupLines(r), `started ${r.startedAt}`].map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
<table><tr><th>boot</th><th>be_liberal after boot</th><th>after the kube-proxy step</th><th>nf_conntrack</th><th>qemu seconds</th></tr>
${rows}
</table>
${boots}
${notes}
</body></html>
`;
}
