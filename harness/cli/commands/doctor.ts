/**
 * `resetlab doctor`: what this machine can and cannot do, checked for real. Namespaces are
 * probed by creating a throwaway namespace of our own; optional kernel modules (ip_vs,
 * sch_netem) are checked read-only, never loaded; nothing in the host namespace is changed.
 */
import { createRequire } from 'node:module';
import { release } from 'node:os';
import type { Runner } from '../../exec/runner.js';
import { kernelCacheFindings } from '../../kernels/findings.js';
import { moduleAvailableWithoutLoading } from '../../lab/kernel-modules.js';
import { deleteNamespace } from '../../lab/netns/cleanup.js';
import { readProxyFacts } from '../../lab/netns/proxy-mode.js';
import { claimPrefix } from '../../lab/owner.js';
import { newPrefix } from '../../lab/prefix.js';
import { vmFindings } from '../../lab/vm/findings.js';
import { DRIVERS } from '../../lab/registry.js';
import { setupHint, type Readiness } from '../../lab/setup-hint.js';
import type { CliContext } from '../context.js';

/** One finding. `missing` blocks the default driver; `warn` limits it; `info` is a fact. */
export interface Finding {
  name: string;
  status: 'ok' | 'warn' | 'missing' | 'info';
  detail: string;
}

async function onPath(runner: Runner, bin: string): Promise<boolean> {
  return (await runner.run(['sh', '-c', `command -v ${bin}`], { check: false })).exitCode === 0;
}

/** Probes netem and namespaces inside a throwaway namespace (root only). */
async function probeNamespace(runner: Runner): Promise<Finding[]> {
  const prefix = newPrefix();
  const name = `${prefix}-doctor`;
  const release = claimPrefix(prefix);
  try {
    const add = await runner.run(['ip', 'netns', 'add', name], { check: false });
    if (add.exitCode !== 0) return [{ name: 'network namespaces', status: 'missing', detail: add.stderr.trim() }];
    const ipvs = await runner.run(['ip', 'netns', 'exec', name, 'test', '-e', '/proc/net/ip_vs'], { check: false });
    return [
      { name: 'network namespaces', status: 'ok', detail: 'created and removed a probe namespace' },
      moduleAvailableWithoutLoading('sch_netem')
        ? { name: 'sch_netem', status: 'ok', detail: 'loaded or built in: delayed-duplicates uses netem' }
        : { name: 'sch_netem', status: 'warn', detail: 'not loaded (resetlab does not load modules): delayed-duplicates uses a TEE + TBF slow path instead' },
      ipvs.exitCode === 0
        ? { name: 'ip_vs (in a namespace)', status: 'ok', detail: '/proc/net/ip_vs present' }
        : { name: 'ip_vs (in a namespace)', status: 'warn', detail: 'absent: the netns lab uses iptables DNAT instead of IPVS and records that' },
    ];
  } finally {
    await deleteNamespace(runner, name).catch(() => undefined);
    await release();
  }
}

/** Collects every finding. */
export async function diagnose(runner: Runner): Promise<Finding[]> {
  const root = process.getuid?.() === 0;
  const facts = readProxyFacts();
  const findings: Finding[] = [
    { name: 'kernel', status: 'info', detail: release() },
    { name: 'root', status: root ? 'ok' : 'missing', detail: root ? 'running as root' : 'the netns lab needs root' },
  ];
  for (const [bin, pkg] of [['ip', 'iproute2'], ['iptables', 'iptables'], ['nft', 'nftables'], ['conntrack', 'conntrack'], ['sysctl', 'procps']] as const) {
    const ok = await onPath(runner, bin);
    findings.push({ name: bin, status: ok ? 'ok' : 'missing', detail: ok ? 'installed' : `missing: ${setupHint([pkg])}` });
  }
  findings.push({
    name: 'ip_vs',
    status: facts.ipVsLoaded ? 'ok' : 'warn',
    detail: facts.ipVsLoaded ? 'loaded: real IPVS is available' : 'not loaded: proxyMode auto uses iptables DNAT (resetlab never loads modules)',
  });
  findings.push({ name: 'ipvsadm', status: facts.ipvsadm ? 'ok' : 'info', detail: facts.ipvsadm ? 'installed' : 'not installed (needed only with ip_vs)' });
  findings.push({ name: 'ipset', status: facts.ipset ? 'ok' : 'info', detail: facts.ipset ? 'installed' : `not installed (kube-proxy IPVS mode needs it: ${setupHint(['ipset'])})` });
  findings.push({
    name: 'dummy',
    status: facts.dummy ? 'ok' : 'info',
    detail: facts.dummy ? 'loaded: IPVS mode can bind the VIP to kube-ipvs0' : 'not loaded (IPVS mode needs the dummy kube-ipvs0; resetlab never loads modules)',
  });
  try {
    createRequire(import.meta.url)('raw-socket');
    findings.push({ name: 'raw-socket', status: 'ok', detail: 'native module built and loads' });
  } catch (error) {
    findings.push({ name: 'raw-socket', status: 'missing', detail: `does not load (${(error as Error).message.split('\n')[0]}); run npm rebuild raw-socket` });
  }
  if (root) findings.push(...(await probeNamespace(runner)));
  const docker = (await onPath(runner, 'docker'))
    ? await runner.run(['docker', 'info', '--format', '{{.ServerVersion}}'], { check: false, timeoutMs: 10_000 }).catch(() => null)
    : null;
  findings.push({
    name: 'Docker engine',
    status: docker?.exitCode === 0 ? 'ok' : 'info',
    detail: docker?.exitCode === 0 ? `server ${docker.stdout.trim()}` : docker ? 'docker client only, no engine reachable: the kind driver cannot run' : 'docker not installed: the kind driver cannot run',
  });
  findings.push(...(await vmFindings(runner)));
  for (const bin of ['kind', 'kubectl']) {
    const ok = await onPath(runner, bin);
    findings.push({ name: bin, status: ok ? 'ok' : 'info', detail: ok ? 'installed' : 'not installed (only for --driver kind)' });
  }
  findings.push(...(await kernelCacheFindings(runner)));
  return findings;
}

/** One driver's line in `doctor`: ready or not, what is missing, and the one command that readies it. */
export interface DriverReadiness extends Readiness {
  driver: string;
}

/** Every registered driver's readiness (read-only), in registry order. */
export async function driverReadiness(runner: Runner): Promise<DriverReadiness[]> {
  return Promise.all(DRIVERS.map(async (d) => ({ driver: d.name, ...(await d.readiness(runner)) })));
}

/** The drivers section of `doctor`'s text output. */
export function renderDrivers(drivers: DriverReadiness[]): string {
  const width = Math.max(...drivers.map((d) => d.driver.length));
  const lines = drivers.map((d) =>
    d.ready ? `  ready      ${d.driver}` : `  not ready  ${d.driver.padEnd(width)}  needs ${d.missing.join(', ')}: ${d.fix}`);
  return ['Drivers:', ...lines].join('\n') + '\n';
}

/** The `doctor` command: prints findings, then each driver ready or not; `--json` prints them as one JSON document. */
export async function doctorCommand(ctx: CliContext, flags: { json?: boolean }): Promise<void> {
  const [findings, drivers] = await Promise.all([diagnose(ctx.runner), driverReadiness(ctx.runner)]);
  if (flags.json) {
    process.stdout.write(JSON.stringify({ schema: 'resetlab/doctor@1', findings, drivers }, null, 2) + '\n');
    return;
  }
  const width = Math.max(...findings.map((f) => f.name.length));
  for (const f of findings) process.stdout.write(`${f.status.padEnd(7)} ${f.name.padEnd(width)}  ${f.detail}\n`);
  const blocking = findings.filter((f) => f.status === 'missing');
  process.stdout.write(blocking.length === 0 ? '\nThe netns lab can run here.\n' : `\nThe netns lab cannot run until these are fixed: ${blocking.map((f) => f.name).join(', ')}\n`);
  process.stdout.write('\n' + renderDrivers(drivers));
}
