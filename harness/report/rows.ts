/**
 * The comparison table as data: one row per measure, one column per arm. Both the terminal
 * and the Markdown renderers draw from these rows, so they always show the same numbers.
 * Pure.
 */
import { unseenResets } from '../verdict/unseen.js';
import { fateRows } from './fates-text.js';
import type { ArmResult, RunReport } from './schema.js';

/** A table row: label and one cell per arm. `group` separates the evidence funnel. */
export interface Row {
  label: string;
  cells: string[];
  group: 'load' | 'evidence' | 'performance' | 'setup' | 'stopping';
}

const seconds = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} s`;

/** The arm's stopping record in full: "decided (baseline positive) at 3077 requests, 13 resets, 0.6 s", "max duration: 95018 requests, 0 resets, 10 s", ... */
export function stoppingDetail(a: ArmResult): string {
  const s = a.stopping;
  if (!s) return '-';
  const at = `${s.requests} requests, ${s.resets} resets, ${seconds(s.seconds)}`;
  if (s.reason === 'decided') return `decided (${s.settled ?? 'settled'}) at ${at}`;
  if (s.reason === 'interrupted') return `interrupted at ${at}`;
  return `${s.mode === 'fixed' ? 'fixed duration' : 'max duration'}: ${at}`;
}

/** The table's short cell: "decided at 0.6 s (3077 req)", "max duration 10 s (95018 req)", "fixed 10 s (...)", "interrupted at 1.3 s (...)". */
export function stoppingCell(a: ArmResult): string {
  const s = a.stopping;
  if (!s) return '-';
  const req = `(${s.requests} req)`;
  if (s.reason === 'decided') return `decided at ${seconds(s.seconds)} ${req}`;
  if (s.reason === 'interrupted') return `interrupted at ${seconds(s.seconds)} ${req}`;
  return `${s.mode === 'fixed' ? 'fixed' : 'max duration'} ${seconds(s.seconds)} ${req}`;
}

/** One line per arm with a stopping record: "liberal=0: decided (baseline positive) at ...". Empty without records. */
export function stoppingLines(report: RunReport): string[] {
  return report.arms.filter((a) => a.stopping).map((a) => `${a.name.replace(/[\r\n]+/g, ' ')}: ${stoppingDetail(a)}`);
}

/**
 * One sentence on how the arms stopped: the sequential rule with its schedule and clean
 * threshold, or the fixed duration. Null for reports without stopping records.
 */
export function stoppingSentence(report: RunReport): string | null {
  const arms = report.arms.filter((a) => a.stopping);
  if (arms.length === 0) return null;
  const seq = report.verdict.sequential;
  if (!seq || arms.every((a) => a.stopping!.mode === 'fixed')) return 'Stopping: fixed duration (--fixed): every arm ran its full duration.';
  const schedule = seq.schedule === 'interleaved' ? `interleaved blocks of ${seq.blockSec ?? '?'} s` : 'arms in order, each in one piece';
  return (
    `Stopping: sequential (${schedule}): each arm stopped once its part of the verdict was settled at alpha ${report.verdict.alpha} ` +
    `(anytime-valid e-values, checked every 0.2 s), or at its maximum duration; an arm is clean below ${seq.minRatePerMillion} resets per million ` +
    `(or, if higher, the rate a baseline would need to be decided by its maximum at that arm's throughput).`
  );
}

const int = (n: number) => String(Math.round(n));
const rate = (x: number) => (x === 0 ? '0' : x >= 100 ? String(Math.round(x)) : String(Number(x.toPrecision(3))));
const gbit = (bytesPerSec: number) => `${((bytesPerSec * 8) / 1e9).toFixed(2)} Gbit/s`;
const ms = (x: number) => `${Number(x.toFixed(2))} ms`;

/** "tcp_be_liberal" for net.netfilter.nf_conntrack_tcp_be_liberal; other keys in full. */
const sysctlName = (key: string) => key.replace(/^net\.netfilter\.nf_conntrack_/, '');

/**
 * The sysctls read back on node-a: a heading row, then one row per key any arm has (in
 * first-seen order), its value per arm or "-". One row with "-" when no arm has any.
 */
function sysctlRows(arms: ArmResult[]): Row[] {
  const label = 'sysctls (read back, node-a)';
  const keys = [...new Set(arms.flatMap((a) => Object.keys(a.sysctls)))];
  if (keys.length === 0) return [{ label, group: 'setup', cells: arms.map(() => '-') }];
  return [
    { label, group: 'setup', cells: arms.map(() => '') },
    ...keys.map((k): Row => ({ label: `  ${sysctlName(k)}`, group: 'setup', cells: arms.map((a) => (a.sysctls[k] === undefined ? '-' : String(a.sysctls[k]))) })),
  ];
}

/** The rows of the comparison table for a report. */
export function comparisonRows(report: RunReport): Row[] {
  const arms = report.arms;
  const row = (label: string, group: Row['group'], f: (a: ArmResult) => string): Row => ({ label, group, cells: arms.map(f) });
  const otherErrors = (a: ArmResult) => {
    const other = Object.entries(a.errors).filter(([k]) => k !== 'ECONNRESET');
    return other.length === 0 ? '0' : other.map(([k, v]) => `${k} ${v}`).join(', ');
  };
  return [
    ...sysctlRows(arms),
    row('requests', 'load', (a) => int(a.requests)),
    row('resets (ECONNRESET)', 'load', (a) => int(a.resets)),
    // The verdict also counts connections a leaked segment reset that the client had not seen (verdict/unseen.ts).
    ...(arms.some((a) => unseenResets(a) > 0) ? [row('   + reset, not yet seen by the client', 'load', (a) => int(unseenResets(a)))] : []),
    row('resets per million [95% CI]', 'load', (a) => `${rate(a.resetRate.perMillion)} [${rate(a.resetRate.low)}-${rate(a.resetRate.high)}]`),
    row('other errors', 'load', otherErrors),
    row('injected segments', 'evidence', (a) => int(a.evidence.injected)),
    row('-> conntrack INVALID (node-a)', 'evidence', (a) => int(a.evidence.conntrackInvalid)),
    row('-> dropped by INVALID rule', 'evidence', (a) => int(a.evidence.invalidDropped)),
    row('-> leaked un-NATed to client', 'evidence', (a) => int(a.evidence.leakedUnNatted)),
    row('   (injected, delivered NATed)', 'evidence', (a) => (a.evidence.injectedNatted === undefined ? '-' : int(a.evidence.injectedNatted))),
    row('-> client RSTs sent', 'evidence', (a) => int(a.evidence.clientRstsSent)),
    row('-> server connections reset', 'evidence', (a) => int(a.evidence.serverResets)),
    ...fateRows(arms).map((r): Row => ({ ...r, group: 'evidence' })),
    ...(arms.some((a) => a.evidence.ipvsOutPackets !== undefined)
      ? [
          row('IPVS connections (node-a)', 'evidence', (a) => (a.evidence.ipvsConns === undefined ? '-' : int(a.evidence.ipvsConns))),
          row('IPVS packets in / out (un-NATed by IPVS)', 'evidence', (a) =>
            a.evidence.ipvsOutPackets === undefined ? '-' : `${int(a.evidence.ipvsInPackets ?? 0)} / ${int(a.evidence.ipvsOutPackets)}`,
          ),
        ]
      : []),
    ...fixRows(report, row),
    row('throughput', 'performance', (a) => gbit(a.throughputBytesPerSec)),
    row('requests/s', 'performance', (a) => int(a.requestsPerSec)),
    row('latency p50 / p99', 'performance', (a) => `${ms(a.latencyMs.p50)} / ${ms(a.latencyMs.p99)}`),
    ...(arms.some((a) => a.stopping) ? [row('stopped', 'stopping', stoppingCell)] : []),
  ];
}

/** Rows for the fixes beyond sysctls and the idle-expiry counters, only where some arm has them. */
function fixRows(report: RunReport, row: (label: string, group: Row['group'], f: (a: ArmResult) => string) => Row): Row[] {
  const arms = report.arms;
  const opt = (n: number | undefined) => (n === undefined ? '-' : int(n));
  const judged = new Map((report.verdict.fixes ?? []).map((f) => [f.arm, f.judgement.replace('-', ' ')]));
  return [
    ...(arms.some((a) => a.ipvsTimeouts) ? [row('IPVS timeouts tcp/tcpfin/udp (read back)', 'setup', (a) => (a.ipvsTimeouts ? `${a.ipvsTimeouts.tcp}/${a.ipvsTimeouts.tcpFin}/${a.ipvsTimeouts.udp} s` : '-'))] : []),
    ...(arms.some((a) => a.keepalive) ? [row('client TCP keepalive', 'setup', (a) => (a.keepalive ? `idle ${a.keepalive.idleSec} s, interval ${a.keepalive.intervalSec} s` : '-'))] : []),
    ...(arms.some((a) => a.armInvalidDrop)
      ? [
          row("arm's INVALID drop (node-a)", 'setup', (a) => (a.armInvalidDrop ? 'forward + input' : '-')),
          row("-> dropped by the arm's INVALID drop", 'evidence', (a) => opt(a.evidence.armInvalidDropped)),
        ]
      : []),
    ...(arms.some((a) => a.evidence.ipvsExpired !== undefined) ? [row('IPVS entries expired (node-a)', 'evidence', (a) => opt(a.evidence.ipvsExpired))] : []),
    ...(arms.some((a) => a.evidence.vipResetsReceived !== undefined) ? [row('RSTs from the VIP to the client', 'evidence', (a) => opt(a.evidence.vipResetsReceived))] : []),
    ...(judged.size > 0 ? [row('against the baseline', 'load', (a) => judged.get(a.name) ?? (a === arms[0] ? 'baseline' : '-'))] : []),
  ];
}

/** One-line headline: scenario, outcome and the data plane actually used. */
/**
 * One line on the kube-proxy behind node-a's rules, e.g. "kube-proxy v1.37, iptables mode
 * (modelled): INVALID drop written by kube-proxy (be_liberal was 0 when it started)"; null
 * when the driver did not record one. The deprecation notice is a separate line.
 */
export function kubeProxyLine(report: RunReport): string | null {
  const k = report.environment.kubeProxy;
  if (!k) return null;
  const drop = (k.dropInvalid ?? k.wroteInvalidDrop) ? 'INVALID drop written' : 'no INVALID drop';
  const real = k.source === 'real' || k.kind === 'real';
  const by =
    k.dropInvalidBy === 'lab override'
      ? ' (lab override)'
      : k.mode === 'iptables' && k.beLiberalAtStart !== undefined && Number(/^v1\.(\d+)/.exec(k.version)?.[1]) >= 29
        ? ` (be_liberal was ${k.beLiberalAtStart} when kube-proxy started)`
        : '';
  return `kube-proxy ${k.version}, ${k.mode} mode (${real ? 'the real binary' : 'modelled: resetlab wrote its rules'}): ${drop}${by}`;
}

export function headline(report: RunReport): string {
  const env = report.environment;
  return `${report.scenario.name}: ${report.verdict.outcome.toUpperCase()}` +
    (report.complete ? '' : ' (incomplete run)') +
    ` — ${env.driver} lab${env.vm ? ` (${env.vm.accel} guest)` : ''}, ${env.proxyMode} data plane, kernel ${env.kernel}`;
}
