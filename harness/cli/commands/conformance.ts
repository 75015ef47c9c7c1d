/**
 * `resetlab kube-proxy conformance`: resetlab's modelled kube-proxy checked against the real
 * binary for every path of the netns lab (harness/conformance/run.ts). On this host
 * (`--driver netns`, iptables mode: the host has no ip_vs) or in a guest (`--driver vm
 * --kernel K`, IPVS or iptables mode: the guest runs this same command with `--driver netns`
 * and its JSON comes home). Every flag problem is listed at once (exit 2) before anything is
 * built or booted. Exit 0: conformant; 3: an unknown or stale difference, a path that failed
 * to come up (its error is in the report), or a side that wrote no rules; 130: interrupted
 * (after cleanup, with what was compared printed).
 */
import { GateError, InputError, InterruptedError, UnsupportedError, type InputProblem } from '../../errors.js';
import { ExecaRunner } from '../../exec/runner.js';
import { resolveKernel } from '../../kernels/resolve.js';
import { kubernetesCacheRoot } from '../../kubernetes/cache.js';
import { resolveKubernetes } from '../../kubernetes/resolve.js';
import { parseKubeProxySpec, type KubeProxySpec } from '../../kubernetes/spec.js';
import { checkNetnsPreconditions } from '../../lab/netns/driver.js';
import { removeNetnsLeftoversLoudly } from '../../lab/netns/leftovers.js';
import { chooseProxyMode, readProxyFacts } from '../../lab/netns/proxy-mode.js';
import { parseVmFlags, type VmSettings } from '../../lab/vm/flags.js';
import { assertVmPreconditions } from '../../lab/vm/preconditions.js';
import { runGuestCommand } from '../../lab/vm/provider.js';
import { loadScenarios } from '../../scenario/load.js';
import { CONFORMANCE_PATHS, runConformance, type ConformanceReport } from '../../conformance/run.js';
import { renderConformance } from '../../conformance/render.js';
import type { ConformanceMode } from '../../conformance/snapshot.js';
import { BUILTIN_DIR, DEFAULT_OUT } from '../paths.js';
import type { CliContext } from '../context.js';

/** The flags as commander hands them over. */
export interface ConformanceFlags {
  kubeProxy?: string;
  kubeProxyMode?: string;
  only?: string;
  driver?: string;
  kernel?: string;
  modules?: string;
  memory?: string;
  accel?: string;
  vmTimeout?: string;
  /** vm: where the guest's console log is kept (default: results/). */
  out?: string;
  json?: boolean;
  timeScale?: string;
}

/** Validated flags. */
export interface ConformancePlan {
  spec: KubeProxySpec;
  mode: ConformanceMode;
  paths: string[];
  driver: 'netns' | 'vm';
  vm: VmSettings | null;
  timeScale: number;
}

/** The default kube-proxy: the version whose known differences are listed. */
export const DEFAULT_CONFORMANCE_KUBE_PROXY = 'v1.20.2';

/** Validates every flag (pure); all problems at once. */
export function parseConformanceFlags(f: ConformanceFlags): { plan: ConformancePlan | null; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const p = (field: string, message: string) => problems.push({ file: 'flags', field, message });
  const kp = parseKubeProxySpec(f.kubeProxy ?? DEFAULT_CONFORMANCE_KUBE_PROXY);
  problems.push(...kp.problems);
  const driver = f.driver ?? 'netns';
  if (driver !== 'netns' && driver !== 'vm') p('--driver', `conformance runs on netns (this host) or vm (a guest), got "${driver}"`);
  const mode = f.kubeProxyMode ?? (driver === 'vm' ? 'ipvs' : 'iptables');
  if (mode !== 'iptables' && mode !== 'ipvs') p('--kube-proxy-mode', `conformance compares iptables or ipvs mode (the real kube-proxy v1.20 has no nftables mode), got "${mode}"`);
  const paths = f.only === undefined ? [...CONFORMANCE_PATHS] : f.only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = paths.filter((n) => !(CONFORMANCE_PATHS as readonly string[]).includes(n));
  if (unknown.length > 0) p('--only', `not a path of the netns lab: ${unknown.join(', ')}; expected some of ${CONFORMANCE_PATHS.join(', ')}`);
  if (f.only !== undefined && paths.length === 0) p('--only', 'names no path');
  let vm: VmSettings | null = null;
  if (driver === 'vm') {
    const v = parseVmFlags({ kernel: f.kernel, modules: f.modules, memory: f.memory, accel: f.accel, vmTimeout: f.vmTimeout });
    problems.push(...v.problems);
    if (v.settings && v.settings.kernels.length !== 1) p('--kernel', `conformance boots one guest: give one kernel, got ${v.settings.kernels.length}`);
    vm = v.settings;
  } else {
    for (const [field, value] of [['--kernel', f.kernel], ['--modules', f.modules], ['--memory', f.memory], ['--accel', f.accel], ['--vm-timeout', f.vmTimeout], ['--out', f.out]] as const) {
      if (value !== undefined) p(field, 'only with --driver vm');
    }
  }
  const timeScale = f.timeScale === undefined ? 1 : Number(f.timeScale);
  if (!Number.isFinite(timeScale) || timeScale < 1 || timeScale > 1000) p('--time-scale', `must be a number from 1 to 1000, got "${f.timeScale}"`);
  if (problems.length > 0) return { plan: null, problems };
  return { plan: { spec: kp.spec!, mode: mode as ConformanceMode, paths, driver: driver as 'netns' | 'vm', vm, timeScale }, problems };
}

function print(report: ConformanceReport, json: boolean | undefined): void {
  process.stdout.write(json ? JSON.stringify(report, null, 2) + '\n' : renderConformance(report));
}

function gate(report: ConformanceReport, ctx: CliContext): void {
  if (ctx.signal.aborted) throw new InterruptedError(String(ctx.signal.reason ?? 'signal'));
  if (!report.ok) throw new GateError(`kube-proxy conformance failed: see the differences above`);
}

/** The command. */
export async function conformanceCommand(ctx: CliContext, flags: ConformanceFlags): Promise<void> {
  const { plan, problems } = parseConformanceFlags(flags);
  if (!plan) throw new InputError(problems);
  if (plan.driver === 'vm') return conformanceInGuest(ctx, plan, flags);
  checkNetnsPreconditions();
  // Before anything is built or started: the mode must run on this machine (IPVS needs ip_vs, never loaded here).
  try {
    chooseProxyMode(plan.mode, readProxyFacts());
  } catch (error) {
    if (error instanceof UnsupportedError && plan.mode === 'ipvs') error.message += '\n(IPVS mode needs ip_vs, which resetlab never loads on the host: run it in a guest with --driver vm --kernel 6.1)';
    throw error;
  }
  await removeNetnsLeftoversLoudly(ctx);
  const runner = plan.timeScale === 1 ? ctx.runner : new ExecaRunner(plan.timeScale);
  const binaries = await resolveKubernetes(kubernetesCacheRoot(), plan.spec, { runner: ctx.runner, say: ctx.say });
  const scenarios = await loadScenarios(plan.paths, { builtinDir: BUILTIN_DIR });
  const report = await runConformance({ binaries, mode: plan.mode, scenarios, runner, timeScale: plan.timeScale, say: ctx.say, signal: ctx.signal });
  print(report, flags.json);
  gate(report, ctx);
}

/** Boots one guest that runs the same command on its own netns lab, and prints what came back. */
async function conformanceInGuest(ctx: CliContext, plan: ConformancePlan, flags: ConformanceFlags): Promise<void> {
  assertVmPreconditions();
  const artefact = await resolveKernel(plan.vm!.kernels[0]!, { say: ctx.say });
  // Built (or checked) on the host; the guest sees the cache through its read-only root.
  const binaries = await resolveKubernetes(kubernetesCacheRoot(), plan.spec, { runner: ctx.runner, say: ctx.say });
  const kubeProxy = plan.spec.kind === 'dir' ? (binaries.source.kind === 'dir' ? binaries.source.dir : plan.spec.dir) : plan.spec.version;
  const args = ['kube-proxy', 'conformance', '--driver', 'netns', '--kube-proxy', kubeProxy, '--kube-proxy-mode', plan.mode, '--only', plan.paths.join(','), '--json'];
  // A control plane (about 90 s under TCG) plus about a minute per path, generously.
  const budgetMs = 600_000 + plan.paths.length * 300_000;
  const r = await runGuestCommand({ ...ctx, resultsDir: flags.out ?? DEFAULT_OUT }, artefact, plan.vm!, args, budgetMs);
  let report: ConformanceReport;
  try {
    report = JSON.parse(r.stdout) as ConformanceReport;
  } catch {
    if (ctx.signal.aborted) throw new InterruptedError(String(ctx.signal.reason ?? 'signal'));
    throw new UnsupportedError(`the conformance run in the ${r.facts.kernelRelease} guest gave no report (${r.stopped ?? `exit ${r.exitCode}`}); its console log: ${r.facts.consoleLog}`);
  }
  const withGuest = { ...report, vm: r.facts } as ConformanceReport & { vm: typeof r.facts };
  print(withGuest, flags.json);
  gate(withGuest, ctx);
}
