/**
 * The inline stylesheet of report.html: system fonts only (nothing is loaded), one colour per
 * verdict outcome, print-friendly. Constant data.
 */
import type { Outcome } from './schema.js';

/** Banner background per outcome (white text on each; contrast >= 4.5:1). */
export const OUTCOME_BACKGROUND: Record<Outcome, string> = {
  reproduced: '#b71c1c',
  'not-reproduced': '#1b5e20',
  'not-fixed': '#bf360c',
  inconclusive: '#5e35b1',
};

/** The whole stylesheet, for a `<style>` element. */
export const REPORT_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1a1a1a;background:#f4f5f7}
main{max-width:1240px;margin:0 auto;padding:0 24px 48px}
.banner{color:#fff;padding:28px 32px 26px;margin:0 0 24px}
.banner .inner{max-width:1176px;margin:0 auto}
.incomplete{background:repeating-linear-gradient(45deg,#ffd600 0 22px,#111 22px 44px);padding:8px}
.incomplete span{display:block;background:#ffd600;color:#111;font-weight:800;font-size:28px;letter-spacing:.04em;text-align:center;padding:6px 12px}
.incomplete small{display:block;font-size:15px;font-weight:600;letter-spacing:0}
.kicker{font-size:15px;text-transform:uppercase;letter-spacing:.12em;opacity:.85;margin:0}
.outcome{font-size:92px;line-height:1;font-weight:800;letter-spacing:.02em;margin:6px 0 14px;overflow-wrap:anywhere}
.sentence{font-size:25px;line-height:1.3;font-weight:600;margin:0 0 18px;max-width:1100px}
.facts{display:flex;flex-wrap:wrap;gap:8px;margin:0;padding:0;list-style:none}
.facts li{background:rgba(0,0,0,.22);border-radius:6px;padding:5px 11px;font-size:15px}
.facts b{font-weight:700}
.facts li.warn{background:#ffd600;color:#111;font-weight:700}
h2{font-size:20px;margin:30px 0 10px}
section{background:#fff;border:1px solid #dde0e4;border-radius:8px;padding:18px 22px;margin:0 0 18px}
section>h2:first-child{margin-top:0}
.explanation{font-size:16px;margin:0 0 6px}
.muted{color:#555;font-size:13px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:6px 10px;border-bottom:1px solid #e6e8eb;text-align:left;vertical-align:top}
table.compare td.num,table.compare th.arm{text-align:right;white-space:nowrap}
table.compare th.arm{font-size:16px}
table.compare tr.group-start td{border-top:2px solid #c9cdd2}
table.compare td.sub{padding-left:26px}
table.compare tr.key td{font-weight:700;background:#fff8e1}
table.env th{width:260px;color:#444;font-weight:600}
table.env td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;overflow-wrap:anywhere}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:18px;margin:0 0 18px}
figure{margin:0;background:#fff;border:1px solid #dde0e4;border-radius:8px;padding:16px 18px}
figure h3{margin:0 0 2px;font-size:17px}
figcaption{color:#555;font-size:13px;margin:0 0 10px}
figure svg{max-width:100%;height:auto;display:block}
.chart-error{color:#b71c1c;font-weight:600}
pre{background:#f6f8fa;border-radius:6px;padding:10px 12px;overflow:auto;font-size:12.5px}
ul.notes li{margin:4px 0}
footer{color:#666;font-size:12.5px;text-align:center;margin-top:24px}
@media print{body{background:#fff}.banner,.incomplete,.incomplete span,.facts li{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`;
