/**
 * `resetlab node prove`: boot a real Debian node (systemd or sysvinit) in QEMU with the
 * node's boot-time configuration and show whether be_liberal = 1 survives; with `--fix`,
 * boot again with `node persist --apply` applied to a copy. Flags are validated before
 * anything is created; the run's qemu processes are on a cleanup stack unwound before
 * returning; results go to `<out>/<timestamp>-node-prove/` (result.json, summary.md,
 * report.html, and each boot's console and raw evidence).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { GateError, InputError, InterruptedError, UnsupportedError, type InputProblem } from '../../errors.js';
import { CleanupStack } from '../../exec/cleanup-stack.js';
import { findMirrors } from '../../kernels/mirrors.js';
import { resolveKernel } from '../../kernels/resolve.js';
import { parseKernelSpec } from '../../kernels/spec.js';
import { claimPrefix } from '../../lab/owner.js';
import { newPrefix } from '../../lab/prefix.js';
import type { InitSystem, ProxyMode } from '../../node/prove/guest-collector.js';
import { findBusybox } from '../../node/prove/initramfs.js';
import { nodeRootProblems, type NodeConfigSource } from '../../node/prove/node-config.js';
import { prove } from '../../node/prove/prove.js';
import { writeProve } from '../../node/prove/write-prove.js';
import { renderProveText } from '../../node/prove/prove-render.js';
import { createFreshDir } from '../../report/write.js';
import type { CliContext } from '../context.js';
import { DEFAULT_OUT } from '../paths.js';

/** Flags of `node prove`. */
export interface NodeProveFlags {
  kernel?: string;
  modules?: string;
  root?: string;
  fix?: boolean;
  init?: string;
  proxyMode?: string;
  out?: string;
  bootTimeout?: string;
  accel?: string;
  offline?: boolean;
  json?: boolean;
}

/** Validated options. */
interface Valid {
  kernel: Exclude<ReturnType<typeof parseKernelSpec>, InputProblem[]>;
  config: NodeConfigSource;
  init: InitSystem;
  proxyMode: ProxyMode;
  bootTimeoutMs: number;
  accel: 'auto' | 'kvm' | 'tcg';
}

/** Every problem with the flags, or the validated options. Reads `--root`, nothing else. */
export function validateProve(flags: NodeProveFlags): Valid | InputProblem[] {
  const problems: InputProblem[] = [];
  const kernel = parseKernelSpec(flags.kernel ?? '6.1', flags.modules);
  if (Array.isArray(kernel)) problems.push(...kernel);
  const init = flags.init ?? 'systemd';
  if (init !== 'systemd' && init !== 'sysvinit') problems.push({ file: 'flags', field: '--init', message: `unknown init "${init}"; expected systemd or sysvinit` });
  const proxyMode = flags.proxyMode ?? 'ipvs';
  if (proxyMode !== 'ipvs' && proxyMode !== 'iptables') problems.push({ file: 'flags', field: '--proxy-mode', message: `unknown mode "${proxyMode}"; expected ipvs or iptables` });
  const accel = flags.accel ?? 'auto';
  if (accel !== 'auto' && accel !== 'kvm' && accel !== 'tcg') problems.push({ file: 'flags', field: '--accel', message: `unknown "${accel}"; expected auto, kvm or tcg` });
  const timeout = Number(flags.bootTimeout ?? '600');
  if (!Number.isFinite(timeout) || timeout < 10 || timeout > 3600) problems.push({ file: 'flags', field: '--boot-timeout', message: `"${flags.bootTimeout}" is not a number of seconds between 10 and 3600` });
  if (flags.root !== undefined) problems.push(...nodeRootProblems(resolve(flags.root)));
  if (problems.length > 0 || Array.isArray(kernel)) return problems;
  return {
    kernel,
    config: flags.root !== undefined ? { kind: 'root', dir: resolve(flags.root) } : { kind: 'default' },
    init: init as InitSystem,
    proxyMode: proxyMode as ProxyMode,
    bootTimeoutMs: timeout * 1000,
    accel: accel as Valid['accel'],
  };
}

/** `node prove`: prints the boots and the verdict; throws GateError (exit 3) unless the last boot kept 1. */
export async function nodeProveCommand(ctx: CliContext, flags: NodeProveFlags): Promise<void> {
  const valid = validateProve(flags);
  if (Array.isArray(valid)) throw new InputError(valid);
  findBusybox();
  const probe = await ctx.runner.run(['sh', '-c', 'command -v qemu-system-x86_64 && command -v setpriv'], { check: false });
  if (probe.exitCode !== 0) throw new UnsupportedError("failed to find qemu-system-x86_64 and setpriv: install Debian's qemu-system-x86 (and util-linux), or run `npm run setup`");
  const kernel = await resolveKernel(valid.kernel, { offline: flags.offline, say: ctx.say });
  const startedAt = new Date().toISOString();
  const prefix = newPrefix();
  const cleanup = new CleanupStack();
  cleanup.push(`owner file of ${prefix}`, claimPrefix(prefix));
  let report;
  let dir: string;
  try {
    dir = await createFreshDir(resolve(flags.out ?? DEFAULT_OUT), startedAt, 'node-prove');
    report = await prove({
      ...valid,
      kernel,
      fix: flags.fix === true,
      dir,
      prefix,
      offline: flags.offline === true,
      mirror: () => findMirrors().archive,
      runner: ctx.runner,
      cleanup,
      signal: ctx.signal,
      say: ctx.say,
      startedAt,
    });
  } catch (error) {
    const errors = await cleanup.unwind();
    for (const e of errors) ctx.say(e);
    if (ctx.signal.aborted) throw new InterruptedError(String(ctx.signal.reason ?? 'signal'));
    throw error;
  }
  for (const e of await cleanup.unwind()) ctx.say(e);
  await writeProve(dir, report);
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderProveText(report));
  ctx.say(`results: ${dir}/ (summary.md, report.html, result.json)`);
  if (report.verdict.exitCode !== 0) throw new GateError(`gate failed: ${report.verdict.text}`);
}

const HELP = `
Boots a Debian ${'bookworm'} root filesystem (debootstrap, cached under $XDG_CACHE_HOME/resetlab/rootfs)
with the given kernel in QEMU (no NIC), reads be_liberal after boot, runs what a
kube-proxy start runs first (IPVS: modprobe ip_vs... nf_conntrack), and reads it again.

Exit codes:
  0  be_liberal = 1 after the (last) boot: kept (with --fix: the fixed boot kept it)
  2  invalid flags, or the environment cannot boot (no qemu, no root for the first debootstrap, a boot failed: console tail shown)
  3  be_liberal is not 1 after the (last) boot: lost`;

/** Adds `node prove` to the `node` command. */
export function registerNodeProve(node: Command, getCtx: () => CliContext): void {
  node
    .command('prove')
    .description('boot a real Debian node in QEMU and show be_liberal lost at reboot, and kept with --fix')
    .option('--kernel <kernel>', 'Debian series (6.1), package version, or a vmlinuz path with --modules (default: 6.1)')
    .option('--modules <dir>', 'with a --kernel path: its lib/modules/<release> folder (depmod done)')
    .option('--root <dir>', "boot this node's /etc/sysctl.d, /etc/sysctl.conf, /etc/modules-load.d, /etc/modules (default: stock Debian + one sysctl.d line)")
    .option('--fix', 'boot twice: as given, then with `node persist --apply` applied to a copy')
    .option('--init <init>', 'systemd (default) or sysvinit (procps applies sysctl.conf/sysctl.d at boot)')
    .option('--proxy-mode <mode>', 'what loads nf_conntrack after boot: ipvs (default: modprobe ip_vs ... nf_conntrack) or iptables (iptables-restore with the conntrack match)')
    .option('--out <dir>', 'results folder (default: results/)')
    .option('--boot-timeout <seconds>', 'give up on a boot after this long (default 600)')
    .option('--accel <accel>', 'auto (default: KVM if /dev/kvm works and the guest reaches the initramfs within 15 s, else TCG), kvm or tcg')
    .option('--offline', 'use only cached kernels and rootfs')
    .option('--json', 'print the resetlab/node-prove@1 document')
    .addHelpText('after', HELP)
    .action((flags: NodeProveFlags) => nodeProveCommand(getCtx(), flags));
}
