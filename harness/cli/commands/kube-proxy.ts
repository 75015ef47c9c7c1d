/**
 * `resetlab kube-proxy list|fetch|prune|conformance`: the cache of real Kubernetes binaries that
 * `--kube-proxy` runs (harness/kubernetes). `fetch v1.20.2` builds kube-proxy and
 * kube-apiserver from Debian's source package (slow the first time: minutes of Go builds;
 * resumable) and fetches etcd; a folder checks a user's server/bin. `prune` removes partial
 * builds (everything with --all). `conformance` checks the model against the real binary
 * (commands/conformance.ts).
 */
import { Option, type Command } from 'commander';
import { CONFORMANCE_PATHS } from '../../conformance/run.js';
import { conformanceCommand, DEFAULT_CONFORMANCE_KUBE_PROXY, type ConformanceFlags } from './conformance.js';
import { InputError, type InputProblem } from '../../errors.js';
import { kubernetesCacheRoot, listCachedEtcd, listCachedKubernetes, listPartialBuilds, pruneKubernetes } from '../../kubernetes/cache.js';
import { describeSource, resolveKubernetes, type KubernetesBinaries } from '../../kubernetes/resolve.js';
import { parseKubeProxySpec, type KubeProxySpec } from '../../kubernetes/spec.js';
import type { CliContext } from '../context.js';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

/** `kube-proxy list`: cached builds, etcd and partial builds. */
export async function kubeProxyListCommand(flags: { json?: boolean }): Promise<void> {
  const root = kubernetesCacheRoot();
  const [builds, etcd, partial] = await Promise.all([listCachedKubernetes(root), listCachedEtcd(root), listPartialBuilds(root)]);
  if (flags.json) {
    process.stdout.write(JSON.stringify({ schema: 'resetlab/kube-proxy-cache@1', root, builds, etcd, partial }, null, 2) + '\n');
    return;
  }
  const lines = [root];
  for (const b of builds) {
    const t = Object.values(b.timings).reduce((n, s) => n + s.ms, 0);
    lines.push(`${b.version}  ${describeSource(b.source)}  kube-proxy ${mb(b.binaries['kube-proxy'].sizeBytes)}  kube-apiserver ${mb(b.binaries['kube-apiserver'].sizeBytes)}  built ${b.builtAt.slice(0, 16).replace('T', ' ')} in ${(t / 60_000).toFixed(1)} min`);
  }
  for (const e of etcd) lines.push(`etcd ${e.version} (${e.suite})  ${mb(e.binary.sizeBytes)}`);
  for (const p of partial) lines.push(`${p.version}  partial build (resumable; done: ${p.steps.join(', ') || 'nothing'})`);
  if (builds.length === 0) lines.push('(nothing built: resetlab kube-proxy fetch v1.20.2)');
  process.stdout.write(lines.join('\n') + '\n');
}

/** Validates `fetch` arguments, every problem at once. */
export function kubeProxyFetchSpecs(args: string[]): KubeProxySpec[] {
  const specs: KubeProxySpec[] = [];
  const problems: InputProblem[] = [];
  for (const a of args.flatMap((x) => x.split(',')).filter((x) => x.trim())) {
    const r = parseKubeProxySpec(a, '<version>');
    if (r.spec) specs.push(r.spec);
    problems.push(...r.problems);
  }
  if (problems.length > 0) throw new InputError(problems);
  return specs;
}

/** `kube-proxy fetch`: builds or checks each, printing where the binaries are. */
export async function kubeProxyFetchCommand(ctx: CliContext, args: string[], flags: { offline?: boolean; json?: boolean }): Promise<void> {
  const specs = kubeProxyFetchSpecs(args);
  const out: KubernetesBinaries[] = [];
  for (const spec of specs) out.push(await resolveKubernetes(kubernetesCacheRoot(), spec, { runner: ctx.runner, say: ctx.say, offline: flags.offline }));
  if (flags.json) {
    process.stdout.write(JSON.stringify({ schema: 'resetlab/kube-proxy-fetch@1', binaries: out }, null, 2) + '\n');
    return;
  }
  for (const b of out) process.stdout.write(`${b.version}  ${b.source.kind === 'dir' ? b.source.dir : b.source.built ? 'built' : 'cached'}  ${b.kubeProxy}\n`);
}

/** Registers `kube-proxy list|fetch|prune`. */
export function registerKubeProxyCommands(program: Command, getCtx: () => CliContext): void {
  const kp = program.command('kube-proxy').description('the cache of real Kubernetes binaries (kube-proxy, kube-apiserver, etcd) that --kube-proxy runs');
  kp.command('list')
    .description('list cached builds (cache: $XDG_CACHE_HOME/resetlab/kubernetes, default ~/.cache/resetlab/kubernetes)')
    .option('--json', 'print one JSON document (resetlab/kube-proxy-cache@1)')
    .action((flags: { json?: boolean }) => kubeProxyListCommand(flags));
  kp.command('fetch')
    .argument('<version...>', 'v1.20.2 (built from Debian\'s source package; minutes the first time), vX.Y.Z (official release binaries, published sha256) or a server/bin folder')
    .description('build or check Kubernetes binaries (a cached build is not built again; an interrupted one resumes)')
    .option('--offline', 'do not touch the network: only what is cached')
    .option('--json', 'print one JSON document (resetlab/kube-proxy-fetch@1)')
    .action((args: string[], flags: { offline?: boolean; json?: boolean }) => kubeProxyFetchCommand(getCtx(), args, flags));
  kp.command('conformance')
    .description("check resetlab's model of kube-proxy against the real binary for every path of the netns lab (exit 3 on an unknown or stale difference)")
    .option('--kube-proxy <version|dir>', `the real kube-proxy (default ${DEFAULT_CONFORMANCE_KUBE_PROXY}, whose known differences are listed)`)
    .option('--kube-proxy-mode <mode>', 'iptables (default on this host) or ipvs (default with --driver vm)')
    .option('--only <paths>', `comma-separated subset of ${CONFORMANCE_PATHS.join(', ')}`)
    .option('--driver <name>', 'netns (this host; default) or vm (one guest: --kernel)')
    .option('--kernel <kernel>', 'vm: one kernel: a Debian series (6.1), a package version, or a vmlinuz path with --modules')
    .option('--modules <dir>', 'vm: the lib/modules/VERSION folder of a --kernel path')
    .option('--memory <MiB>', 'vm: guest memory (default 3072)')
    .option('--accel <mode>', 'vm: auto, kvm or tcg')
    .option('--vm-timeout <duration>', 'vm: upper bound for the guest')
    .option('--out <dir>', "vm: where the guest's console log is kept (default: results/)")
    .option('--json', 'print one JSON document (resetlab/conformance@1)')
    .addOption(new Option('--time-scale <x>', 'multiply deadlines (set by the vm driver in its guests)').hideHelp())
    .action((flags: ConformanceFlags) => conformanceCommand(getCtx(), flags));
  kp.command('prune')
    .description('remove partial builds and leftovers (--all: every build, etcd and the package index)')
    .option('--all', 'remove everything in the cache')
    .action(async (flags: { all?: boolean }) => {
      const r = await pruneKubernetes(kubernetesCacheRoot(), flags);
      process.stdout.write(`removed ${r.removed.length}: ${r.removed.join(', ') || 'nothing'}\n`);
    });
}
