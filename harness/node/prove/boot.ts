/**
 * One boot of a node: lays out the boot's folder (`<dir>/conf/{node,guest}`, `<dir>/out`,
 * initramfs, console.log, qemu.pid), runs qemu (shared launcher, harness/qemu) until the
 * guest powers itself off, and parses what the guest wrote into `out/`. Under `auto`, KVM
 * is tried first when /dev/kvm opens and must print the initramfs marker within
 * `KVM_PROBE_MS` (nested KVM often stalls), else the boot restarts under TCG. qemu's `stop`
 * is on the cleanup stack the moment it starts, and every path waits for qemu to be gone.
 * The caller owns `dir` (it stays in the results as the raw evidence) and `cleanup`.
 */
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InterruptedError, ResetlabError } from '../../errors.js';
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import type { KernelArtefact } from '../../kernels/artefact.js';
import type { QemuAccel } from '../../qemu/argv.js';
import { kvmUnavailableReason } from '../../qemu/kvm.js';
import { startQemu, type QemuExit } from '../../qemu/launch.js';
import { EVIDENCE_FILES, parseEvidence, type BootEvidence, type EvidenceFiles } from './evidence.js';
import { guestFiles, type InitSystem, type ProxyMode } from './guest-collector.js';
import { CONSOLE_MARKER } from './init-script.js';
import { writeInitramfs } from './initramfs.js';
import { proveMachine } from './machine.js';

/** The guest did not get to the end of its collector: exit 2 (environment), with the console's last lines. */
export class BootFailedError extends ResetlabError {
  override readonly exitCode = 2;
}

/** How long KVM gets to reach the initramfs under `auto`. */
export const KVM_PROBE_MS = 15_000;

/** Inputs of one boot. */
export interface BootOptions {
  /** `before` or `after`: names the folder and the qemu. */
  label: string;
  /** The boot's folder; `<dir>/conf/node` must hold the staged node configuration already. */
  dir: string;
  prefix: string;
  kernel: KernelArtefact;
  rootfsTree: string;
  init: InitSystem;
  proxyMode: ProxyMode;
  accel: 'auto' | QemuAccel;
  timeoutMs: number;
  cleanup: CleanupStack;
  signal: AbortSignal;
  say: (line: string) => void;
}

/** What one boot gave. */
export interface BootResult {
  label: string;
  evidence: BootEvidence;
  /** Wall-clock seconds from starting (the qemu that booted) to its exit. */
  seconds: number;
  accel: QemuAccel;
  /** Why this acceleration (e.g. why KVM was not used). */
  accelReason: string;
  dir: string;
}

async function writeGuestFiles(dir: string, init: InitSystem, mode: ProxyMode): Promise<void> {
  for (const f of guestFiles(init, mode)) {
    const path = join(dir, f.path);
    await mkdir(dirname(path), { recursive: true });
    if (f.symlink !== undefined) await symlink(f.symlink, path);
    else await writeFile(path, f.text ?? '', { mode: f.mode });
  }
}

async function readEvidenceFiles(out: string): Promise<EvidenceFiles> {
  const present = new Set(await readdir(out).catch(() => [] as string[]));
  const files: EvidenceFiles = {};
  for (const name of EVIDENCE_FILES) if (present.has(name)) files[name] = await readFile(join(out, name), 'utf8');
  return files;
}

/** Runs qemu once under `accel`; with `probeMs`, stops it when the initramfs marker is late. */
async function runOnce(o: BootOptions, accel: QemuAccel, initrd: string, probeMs: number | null): Promise<{ exit: QemuExit; probeFailed: boolean }> {
  const out = join(o.dir, 'out');
  let sawMarker = false;
  let probeFailed = false;
  const q = startQemu({
    machine: proveMachine({
      name: `${o.prefix}-prove-${o.label}`,
      vmlinuz: o.kernel.vmlinuz,
      initrd,
      shares: { rootfs: o.rootfsTree, modules: o.kernel.modulesDir, config: join(o.dir, 'conf'), out },
      pidfile: join(o.dir, 'qemu.pid'),
      accel,
    }),
    consoleLog: join(o.dir, 'console.log'),
    timeoutMs: o.timeoutMs,
    tailLines: 30,
    onLine: (line) => {
      if (line.includes(CONSOLE_MARKER)) sawMarker = true;
    },
  });
  o.cleanup.push(`qemu ${o.prefix}-prove-${o.label} (pid ${q.pid})`, async () => void (await q.stop(1000)));
  const onAbort = () => void q.stop(1000);
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) onAbort();
  const probe = probeMs === null ? undefined : setTimeout(() => {
    if (!sawMarker) {
      probeFailed = true;
      void q.stop(500);
    }
  }, probeMs);
  const exit = await q.exited;
  clearTimeout(probe);
  o.signal.removeEventListener('abort', onAbort);
  return { exit, probeFailed: probeFailed || (probeMs !== null && !sawMarker && !o.signal.aborted) };
}

/** Boots once; throws BootFailedError (with the console tail) when the guest did not finish its collector. */
export async function bootNode(o: BootOptions): Promise<BootResult> {
  const out = join(o.dir, 'out');
  await mkdir(out, { recursive: true });
  await writeGuestFiles(join(o.dir, 'conf', 'guest'), o.init, o.proxyMode);
  const initrd = writeInitramfs(o.dir, o.kernel.release, o.kernel.modulesDir);
  const kvmWhy = o.accel === 'tcg' ? 'asked for tcg' : kvmUnavailableReason();
  let accel: QemuAccel = o.accel === 'kvm' || (o.accel === 'auto' && kvmWhy === null) ? 'kvm' : 'tcg';
  let accelReason = accel === 'kvm' ? (o.accel === 'kvm' ? 'asked for kvm' : `KVM reached the initramfs within ${KVM_PROBE_MS / 1000} s`) : o.accel === 'tcg' ? 'asked for tcg' : `KVM unavailable (${kvmWhy})`;
  let run = await runOnce(o, accel, initrd, o.accel === 'auto' && accel === 'kvm' ? KVM_PROBE_MS : null);
  if (run.probeFailed && !o.signal.aborted) {
    o.say(`boot ${o.label}: KVM did not reach the initramfs within ${KVM_PROBE_MS / 1000} s (nested KVM?); booting again under TCG`);
    accel = 'tcg';
    accelReason = `KVM did not reach the initramfs within ${KVM_PROBE_MS / 1000} s; fell back to TCG`;
    await rm(join(o.dir, 'console.log'), { force: true });
    run = await runOnce(o, 'tcg', initrd, null);
  }
  await rm(initrd, { force: true });
  if (o.signal.aborted) throw new InterruptedError(String(o.signal.reason ?? 'signal'));
  const evidence = parseEvidence(await readEvidenceFiles(out), o.init);
  const { exit } = run;
  if (!evidence.complete) {
    const why = exit.timedOut ? `did not finish within ${o.timeoutMs / 1000} s` : `ended (qemu ${exit.code !== null ? `exit ${exit.code}` : `signal ${exit.signal}`}) before the evidence was collected`;
    throw new BootFailedError(`failed to boot the ${o.label} node: the guest ${why}. Console (${join(o.dir, 'console.log')}), last lines:\n${exit.tail.join('\n')}`);
  }
  if (evidence.kernel !== null && evidence.kernel !== o.kernel.release) {
    throw new BootFailedError(`failed to boot the ${o.label} node: it ran kernel ${evidence.kernel}, not ${o.kernel.release}`);
  }
  return { label: o.label, evidence, seconds: exit.elapsedMs / 1000, accel, accelReason, dir: o.dir };
}
