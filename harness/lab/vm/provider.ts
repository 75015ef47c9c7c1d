/**
 * One guest for one kernel: resolve the kernel, prepare the run folder (claimed with the
 * run's prefix: initramfs, stage 2, calibration probe, one scenario file per cell), boot and
 * supervise it (boot.ts), then bring every cell's report home (results.ts). `runGuestCommand`
 * boots the same way for one other resetlab command (e.g. `kube-proxy conformance`) and brings
 * its stdout home; both go through `runGuest`. Everything it
 * creates (owner file, run folder, qemu) is registered for cleanup at birth and removed before
 * it returns or throws; the console log is copied next to the results first.
 *
 * Errors: a guest that never reached its job (kernel panic, missing module, hang at boot)
 * is the environment's problem: UnsupportedError (exit 2) with the console's last lines.
 * A guest that stopped part-way turns the unfinished cells into `inconclusive` reports.
 */
import { setupHint } from '../setup-hint.js';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { UnsupportedError } from '../../errors.js';
import { CleanupStack } from '../../exec/cleanup-stack.js';
import type { Runner } from '../../exec/runner.js';
import type { KernelArtefact } from '../../kernels/artefact.js';
import { buildInitramfs } from '../../qemu/initramfs.js';
import { qemuVersion } from '../../qemu/version.js';
import type { RunReport } from '../../report/schema.js';
import { REPO_ROOT } from '../../repo-root.js';
import { toScenarioFile } from '../../scenario/schema.js';
import { claimPrefix } from '../owner.js';
import { newPrefix } from '../prefix.js';
import { bootGuest } from './boot.js';
import { hostProbeMs, PROBE_SCRIPT } from './calibrate.js';
import { cellBudgetMs, durationChanges, type VmCell } from './cells.js';
import { vmRunDir } from './cleanup.js';
import type { VmSettings } from './flags.js';
import { INITRAMFS_MODULES, stage1Init, stage2Script, TAGS, type GuestInterrupt, type Stage2Options } from './guest-init.js';
import type { BootState } from './console-markers.js';
import { findBusybox } from './preconditions.js';
import { failedCellReport, readCellReport, withVmFacts, type BootFacts } from './results.js';

/** Modules the guest must load (the lab cannot be built without them). */
export const REQUIRED_MODULES = ['veth', 'nf_conntrack', 'ip_vs', 'dummy', 'ip_set', 'xt_set'];
/**
 * Modules loaded when present (schedulers, kube-proxy's ipset types and matches, netem for
 * delayed duplicates, nftables NAT).
 */
export const OPTIONAL_MODULES = ['ip_set_hash_ip', 'ip_set_hash_ipport', 'ip_set_hash_ipportip', 'ip_set_hash_ipportnet', 'ip_set_hash_net', 'ip_set_bitmap_port', 'xt_addrtype', 'xt_mark', 'xt_MASQUERADE', 'nft_masq', 'nft_nat', 'nft_fib_ipv4', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh', 'xt_ipvs', 'sch_netem', 'sch_tbf', 'nf_nat', 'nf_tables', 'nft_ct', 'xt_conntrack', 'iptable_nat', 'iptable_filter', 'xt_comment', 'xt_TEE', 'nf_dup_ipv4'];

/** What `runKernel` needs. */
export interface KernelRunContext {
  runner: Runner;
  signal: AbortSignal;
  say(line: string): void;
  /** Where the console log is copied (the results folder). */
  resultsDir: string;
}

function guestLine(line: string): string {
  return `  │ ${line}`;
}

/** What one boot runs, and how its results come home. */
interface GuestJob<T> {
  /** For the "booting" line, e.g. "3 scenario run(s)". */
  label: string;
  /** Stage 2's jobs (cells and commands) with the input files they need written into `out`. */
  prepare(out: string): Pick<Stage2Options, 'cells' | 'commands' | 'runArgs' | 'prelude'>;
  /** tmpfs size of the guest root's writable layer (default 1g). */
  overlaySize?: string;
  /** Upper bound for the whole boot unless --vm-timeout says otherwise. */
  budgetMs: number;
  /** What the guest's calibration means for this job's arms, appended to its line (e.g. ", built-in scenarios' arms 115s"). */
  calibrationNote?(c: NonNullable<BootState['calibration']>): string;
  /** Reads what the guest wrote into `out`, before the run folder is removed. */
  collect(out: string, state: BootState, facts: BootFacts, keptLog: string, stopped: string): T;
}

/** Runs `cells` in one guest booted from `artefact` (see module doc). */
export async function runKernel(ctx: KernelRunContext, artefact: KernelArtefact, cells: VmCell[], settings: VmSettings): Promise<RunReport[]> {
  // A real kube-proxy brings a control plane per cell (kube-apiserver took 88 s in a 6.1 TCG guest, KNOWLEDGE.md §5).
  const perCellKube = (settings.kubeProxy ? 240_000 : 0) + (settings.guestDriver?.perCellMs ?? 0);
  const g = settings.guestDriver;
  return runGuest(ctx, artefact, settings, {
    label: `${cells.length} scenario run(s)${g ? ` on ${g.args.slice(0, 2).join(' ')}` : ''}`,
    budgetMs: 300_000 + (g?.setupMs ?? 0) + cells.reduce((sum, c) => sum + cellBudgetMs(c, 10) + perCellKube, 0),
    ...(g ? { overlaySize: g.overlaySize } : {}),
    calibrationNote: (c) =>
      `${cells.some((x) => x.autoDuration) ? `, built-in scenarios' arms ${c.durationSec}s` : ''}${cells.some((x) => x.stretchDuration && durationChanges(x, c).length > 0) ? `, shorter written arms up to ${c.durationSec}s` : ''}`,
    prepare: (out) => {
      mkdirSync(join(out, 'cells'), { recursive: true });
      for (const c of cells) writeFileSync(join(out, 'cells', `${c.index}.yaml`), stringify(toScenarioFile(c.scenario)));
      return {
        runArgs: [...(settings.stopping.kind === 'fixed' ? ['--fixed'] : ['--schedule', settings.stopping.schedule]), ...(settings.kubeProxy ? ['--kube-proxy', settings.kubeProxy] : [])],
        ...(g ? { cellDriverArgs: g.args, prelude: g.prelude } : {}),
        cells: cells.map((c) => ({ index: c.index, file: `cells/${c.index}.yaml`, autoDuration: c.autoDuration, ...(c.stretchDuration ? { floorSec: c.scenario.load.durationMs / 1000 } : {}) })),
      };
    },
    collect: (out, st, facts, keptLog, stopped) => {
      const reports: RunReport[] = [];
      for (const cell of cells) {
        const exitCode = st.cells.get(cell.index);
        if (exitCode === undefined && ctx.signal.aborted) break;
        const { report, problem } = readCellReport(out, cell);
        if (report) {
          const c = st.calibration;
          const sized = c ? durationChanges(cell, c) : [];
          reports.push(withVmFacts(report, { ...cell, adjusted: [...cell.adjusted, ...sized] }, facts, g?.name));
          continue;
        }
        const why =
          exitCode === undefined
            ? `not run: ${stopped}.`
            : exitCode === null
              ? `${stopped} (during this scenario).`
              : `the run in the guest failed (exit ${exitCode}): ${st.cellErrors.get(cell.index) ?? problem}; see ${keptLog}.`;
        reports.push(failedCellReport(cell, facts, why, g?.name));
      }
      return reports;
    },
  });
}

/** What a resetlab command run in a guest gave back. */
export interface GuestCommandResult {
  /** Its exit code; null when the guest stopped before it ended. */
  exitCode: number | null;
  /** What it printed on stdout (its --json document). */
  stdout: string;
  facts: BootFacts;
  /** Why it did not finish, when it did not. */
  stopped: string | null;
  /** Its stderr, kept only for a command with an `interrupt` or `keepStderr` (else undefined: it went to the console only). */
  stderr?: string;
}

/**
 * A command for `runGuestCommands`: resetlab's arguments, optionally interrupted at a point of
 * its progress or with its stderr kept; or a `shell` script (sh -c) run the same way.
 */
export type GuestCommand = string[] | ({ interrupt?: GuestInterrupt; keepStderr?: boolean } & ({ args: string[]; shell?: undefined } | { shell: string; args?: undefined }));

/**
 * Runs one resetlab command (`args`, e.g. `kube-proxy conformance ... --json`) in a guest booted
 * from `artefact`, with the guest's `--time-scale` appended, and brings its stdout home.
 */
export async function runGuestCommand(
  ctx: KernelRunContext,
  artefact: KernelArtefact,
  settings: VmSettings,
  args: string[],
  budgetMs: number,
  extra: { prelude?: string; overlaySize?: string; label?: string } = {},
): Promise<GuestCommandResult> {
  return (await runGuestCommands(ctx, artefact, settings, [args], budgetMs, extra))[0]!;
}

/**
 * Runs resetlab commands one after another in one guest (each as `runGuestCommand` runs one;
 * a later one sees what an earlier one left inside the guest, e.g. a kind cluster it kept).
 * Returns one result per command, in order; commands the guest did not reach have a null
 * exit code and say why in `stopped`.
 */
export async function runGuestCommands(
  ctx: KernelRunContext,
  artefact: KernelArtefact,
  settings: VmSettings,
  given: GuestCommand[],
  budgetMs: number,
  extra: { prelude?: string; overlaySize?: string; label?: string } = {},
): Promise<GuestCommandResult[]> {
  const commands = given.map((c) => (Array.isArray(c) ? { args: c } : c));
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  return runGuest(ctx, artefact, settings, {
    label: extra.label ?? (commands[0]!.args ? `resetlab ${commands[0]!.args.slice(0, 2).join(' ')}` : 'a shell script'),
    budgetMs,
    ...(extra.overlaySize ? { overlaySize: extra.overlaySize } : {}),
    prepare: () => ({
      cells: [],
      commands: commands.map((c, index) => ({
        index,
        ...(c.shell !== undefined ? { shell: c.shell } : { args: c.args }),
        outFile: `command-${index}.out`,
        ...(c.interrupt ? { interrupt: c.interrupt } : {}),
        ...(c.keepStderr ? { keepStderr: true } : {}),
      })),
      ...(extra.prelude ? { prelude: extra.prelude } : {}),
    }),
    collect: (out, st, facts, _keptLog, stopped) =>
      commands.map((c, index) => {
        // Nothing came back: exitCode and stopped say why.
        const stdout = read(join(out, `command-${index}.out`)) ?? '';
        const stderr = c.interrupt || c.keepStderr ? (read(join(out, `command-${index}.out.err`)) ?? '') : undefined;
        const exitCode = st.cells.get(index) ?? null;
        return { exitCode, stdout, facts, stopped: exitCode === null ? stopped : null, ...(stderr !== undefined ? { stderr } : {}) };
      }),
  });
}

/** Boots one guest for `job` (see module doc). */
async function runGuest<T>(ctx: KernelRunContext, artefact: KernelArtefact, settings: VmSettings, job: GuestJob<T>): Promise<T> {
  const busybox = findBusybox();
  if (!busybox) throw new UnsupportedError(`the vm driver needs a static busybox: ${setupHint(['busybox-static'])}`);
  const prefix = newPrefix();
  const cleanup = new CleanupStack();
  try {
    cleanup.push(`owner file of ${prefix}`, claimPrefix(prefix));
    const dir = vmRunDir(prefix);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    cleanup.push(`run folder ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'out');
    mkdirSync(out, { recursive: true });
    const jobs = job.prepare(out);
    writeFileSync(join(out, 'calibrate.mjs'), PROBE_SCRIPT);
    const hostMs = hostProbeMs(join(out, 'calibrate.mjs'));
    writeFileSync(
      join(out, 'stage2.sh'),
      stage2Script({
        node: process.execPath,
        resetlab: join(REPO_ROOT, 'bin', 'resetlab.js'),
        required: REQUIRED_MODULES,
        optional: OPTIONAL_MODULES,
        hostProbeMs: hostMs,
        busybox,
        ...jobs,
      }),
    );
    chmodSync(join(out, 'stage2.sh'), 0o755);
    const initrd = buildInitramfs({
      busybox,
      modulesDir: artefact.modulesDir,
      modules: INITRAMFS_MODULES,
      init: stage1Init({ modulesDir: artefact.modulesDir, overlaySize: job.overlaySize ?? '1g' }),
      out: join(dir, 'initramfs.cpio'),
    });
    const qemu = (await qemuVersion(ctx.runner)) ?? 'unknown';
    ctx.say(`resetlab: booting ${artefact.release} (qemu ${qemu}, ${settings.cpus} CPU${settings.cpus === 1 ? '' : 's'}, ${settings.memoryMiB} MiB, initramfs ${(initrd.bytes / 1e6).toFixed(1)} MB, ${job.label} in this guest)`);
    const consoleLog = join(dir, 'console.log');
    const timeoutMs = settings.timeoutMs ?? job.budgetMs;
    const boot = await bootGuest({
      machine: {
        name: `${prefix}-vm`,
        memoryMiB: settings.memoryMiB,
        cpus: settings.cpus,
        kernel: artefact.vmlinuz,
        initrd: initrd.path,
        append: 'console=ttyS0 panic=-1 quiet loglevel=3 random.trust_cpu=on',
        shares: [
          { tag: TAGS.hostroot, path: '/', readonly: true },
          { tag: TAGS.out, path: out, readonly: false },
        ],
        pidfile: join(dir, 'qemu.pid'),
      },
      accel: settings.accel,
      consoleLog,
      signal: ctx.signal,
      timeoutMs,
      // Stage 2's heartbeat (`alive` every 60 s) keeps the console from being silent while the guest runs.
      silenceMs: 300_000,
      onLine: (line, state) => {
        if (line.includes('RL-VM ')) {
          if (/stage=root/.test(line)) ctx.say(`resetlab: guest ${state.uname ?? ''} is up; loading modules, calibrating`);
          else if (/calibrate/.test(line) && state.calibration) {
            const c = state.calibration;
            ctx.say(`resetlab: guest is ${c.scale.toFixed(1)}x slower than this host (loopback HTTP probe, ${c.rate} req/s): deadlines x${c.scale.toFixed(1)}${job.calibrationNote?.(c) ?? ''}`);
          }
          else if (/fatal=/.test(line)) ctx.say(`resetlab: guest: ${state.fatal ?? line}`);
          return;
        }
        if (line.trim() !== '') ctx.say(guestLine(line));
      },
    });
    const keptLog = join(ctx.resultsDir, `vm-${prefix}-${artefact.release}.console.log`);
    try {
      mkdirSync(ctx.resultsDir, { recursive: true });
      copyFileSync(consoleLog, keptLog);
    } catch {
      // no console log (qemu never started): the error below says why
    }
    const tail = boot.exit.tail.slice(-25).map((l) => `  ${l}`).join('\n');
    const st = boot.state;
    ctx.say(`resetlab: guest ended after ${(boot.exit.elapsedMs / 1000).toFixed(1)} s (${boot.accel}; ${boot.accelReason})`);
    if (!st.reachedRoot && !ctx.signal.aborted) {
      const why = st.fatal ?? st.panic ?? (boot.exit.timedOut ? `no job after ${Math.round(timeoutMs / 1000)} s` : boot.stoppedBecause ?? `qemu exited (${boot.exit.code ?? boot.exit.signal}) before the job started`);
      throw new UnsupportedError(`failed to boot kernel ${artefact.release}: ${why}\nlast console lines (${keptLog}):\n${tail}`);
    }
    if (st.fatal && !ctx.signal.aborted) {
      throw new UnsupportedError(`failed to prepare the guest for kernel ${artefact.release}: ${st.fatal}\nlast console lines (${keptLog}):\n${tail}`);
    }
    const facts: BootFacts = {
      kernelRelease: st.uname ?? artefact.release,
      kernelSource: { ...artefact.source },
      accel: boot.accel,
      accelReason: boot.accelReason,
      qemuVersion: qemu,
      memoryMiB: settings.memoryMiB,
      cpus: settings.cpus,
      bootSec: Number((boot.bootSec ?? 0).toFixed(1)),
      timeScale: st.calibration?.scale ?? 1,
      ...(st.calibration ? { calibration: { guestMs: st.calibration.guestMs, hostMs: st.calibration.hostMs } } : {}),
      consoleLog: keptLog,
    };
    const stopped = boot.stoppedBecause ?? st.panic ?? (boot.exit.timedOut ? `the guest overran its ${Math.round(timeoutMs / 1000)} s budget` : `the guest stopped before this scenario finished`);
    return job.collect(out, st, facts, keptLog, stopped);
  } finally {
    for (const p of await cleanup.unwind()) ctx.say(`resetlab: ${p}`);
  }
}
