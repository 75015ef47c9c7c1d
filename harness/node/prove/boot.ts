/**
 * One boot of a node: lays out the boot's folder (`<dir>/conf/{node,guest}`, `<dir>/out`,
 * initramfs, console.log, qemu.pid), runs qemu until the guest powers itself off, and
 * parses what the guest wrote into `out/`. The caller owns `dir` (it stays in the run's
 * results as the raw evidence) and the cleanup stack qemu is registered on.
 */
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ResetlabError, UnsupportedError } from '../../errors.js';
import type { CleanupStack } from '../../exec/cleanup-stack.js';
import type { KernelArtefact } from '../../kernels/artefact.js';
import { EVIDENCE_FILES, parseEvidence, type BootEvidence, type EvidenceFiles } from './evidence.js';
import { guestFiles, type InitSystem, type ProxyMode } from './guest-collector.js';
import { writeInitramfs } from './initramfs.js';
import { qemuArgv } from './qemu-argv.js';
import { runQemu } from './qemu-run.js';

/** The guest did not get to the end of its collector: exit 2 (environment), with the console's last lines. */
export class BootFailedError extends ResetlabError {
  override readonly exitCode = 2;
}

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
  timeoutMs: number;
  cleanup: CleanupStack;
  signal?: AbortSignal;
}

/** What one boot gave. */
export interface BootResult {
  label: string;
  evidence: BootEvidence;
  /** Wall-clock seconds from starting qemu to its exit. */
  seconds: number;
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

/** Boots once; throws BootFailedError (with the console tail) when the guest did not finish its collector. */
export async function bootNode(o: BootOptions): Promise<BootResult> {
  const out = join(o.dir, 'out');
  await mkdir(out, { recursive: true });
  await writeGuestFiles(join(o.dir, 'conf', 'guest'), o.init, o.proxyMode);
  const initrd = await writeInitramfs(o.dir, o.kernel.release, o.kernel.modulesDir);
  const consoleFile = join(o.dir, 'console.log');
  const argv = qemuArgv({
    name: `${o.prefix}-prove-${o.label}`,
    vmlinuz: o.kernel.vmlinuz,
    initrd,
    shares: { rootfs: o.rootfsTree, modules: o.kernel.modulesDir, config: join(o.dir, 'conf'), out },
    consoleFile,
    pidFile: join(o.dir, 'qemu.pid'),
    accel: 'tcg',
    memoryMb: 1024,
    cpus: 2,
  });
  const outcome = await runQemu({ argv, consoleFile, timeoutMs: o.timeoutMs, cleanup: o.cleanup, signal: o.signal });
  const evidence = parseEvidence(await readEvidenceFiles(out), o.init);
  if (outcome.killed === 'aborted') throw new UnsupportedError('boot aborted');
  if (!evidence.complete) {
    const why = outcome.killed === 'timeout' ? `did not finish within ${o.timeoutMs / 1000} s` : `ended (qemu exit ${outcome.exitCode}) before the evidence was collected`;
    throw new BootFailedError(
      `failed to boot the ${o.label} node: the guest ${why}. Console (${consoleFile}), last lines:\n${outcome.consoleTail}\nqemu: ${outcome.commandLine}`,
    );
  }
  if (evidence.kernel !== null && evidence.kernel !== o.kernel.release) {
    throw new BootFailedError(`failed to boot the ${o.label} node: it ran kernel ${evidence.kernel}, not ${o.kernel.release}`);
  }
  return { label: o.label, evidence, seconds: outcome.seconds, dir: o.dir };
}
