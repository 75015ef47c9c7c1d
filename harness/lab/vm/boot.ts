/**
 * Booting one guest and supervising it to the end: KVM first when asked and usable (a short
 * budget to reach the initramfs; nested KVM often stalls), else TCG; console lines go to
 * `onLine` and into the boot state; the guest is stopped on abort, after `timeoutMs`, or
 * when the console is silent for `silenceMs`. The caller owns the run folder and pushes
 * nothing: `bootGuest` returns only after qemu is gone (on every path).
 */
import { startQemu, type QemuExit } from '../../qemu/launch.js';
import type { QemuMachine } from '../../qemu/argv.js';
import { kvmUnavailableReason } from '../../qemu/kvm.js';
import { applyConsoleLine, initialBootState, type BootState } from './console-markers.js';

/** Options of `bootGuest`. */
export interface BootOptions {
  /** The machine minus acceleration. */
  machine: Omit<QemuMachine, 'accel'>;
  accel: 'auto' | 'kvm' | 'tcg';
  consoleLog: string;
  onLine: (line: string, state: BootState) => void;
  signal: AbortSignal;
  timeoutMs: number;
  /** Kill a guest whose console stays silent this long (a hang). */
  silenceMs: number;
  /** How long KVM gets to reach the initramfs marker under `auto` (default 10 s). */
  kvmProbeMs?: number;
}

/** How the boot went. */
export interface BootResult {
  state: BootState;
  exit: QemuExit;
  accel: 'kvm' | 'tcg';
  accelReason: string;
  /** Seconds from qemu start to the job starting (stage 2), or null if it never did. */
  bootSec: number | null;
  /** Why the host stopped the guest (abort, silence), if it did. */
  stoppedBecause: string | null;
}

async function once(o: BootOptions, accel: 'kvm' | 'tcg', probeMs: number | null): Promise<BootResult & { probeFailed: boolean }> {
  const state = initialBootState();
  let bootSec: number | null = null;
  let stoppedBecause: string | null = null;
  let probeFailed = false;
  const t0 = performance.now();
  let silence: NodeJS.Timeout | undefined;
  const q = startQemu({
    machine: { ...o.machine, accel },
    consoleLog: o.consoleLog,
    timeoutMs: o.timeoutMs,
    onLine: (line) => {
      const rootBefore = state.reachedRoot;
      applyConsoleLine(state, line);
      if (!rootBefore && state.reachedRoot) bootSec = (performance.now() - t0) / 1000;
      armSilence();
      o.onLine(line, state);
    },
  });
  const armSilence = () => {
    clearTimeout(silence);
    silence = setTimeout(() => {
      stoppedBecause = `the guest's console was silent for ${Math.round(o.silenceMs / 1000)} s (hung)`;
      void q.stop(1000);
    }, o.silenceMs);
  };
  armSilence();
  const onAbort = () => {
    stoppedBecause = `interrupted (${String(o.signal.reason ?? 'signal')})`;
    void q.stop(2000);
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) onAbort();
  let probe: NodeJS.Timeout | undefined;
  if (probeMs !== null) {
    probe = setTimeout(() => {
      if (!state.reachedInitramfs) {
        probeFailed = true;
        void q.stop(500);
      }
    }, probeMs);
  }
  const exit = await q.exited;
  // Under the probe, any end before the initramfs (a stall, or qemu failing to start KVM) means "no KVM".
  if (probeMs !== null && !state.reachedInitramfs && !o.signal.aborted) probeFailed = true;
  clearTimeout(probe);
  clearTimeout(silence);
  o.signal.removeEventListener('abort', onAbort);
  return { state, exit, accel, accelReason: '', bootSec, stoppedBecause: probeFailed ? null : stoppedBecause, probeFailed };
}

/** Boots (KVM probe, TCG fallback) and supervises the guest to its end (see module doc). */
export async function bootGuest(o: BootOptions): Promise<BootResult> {
  const kvmWhy = o.accel === 'tcg' ? 'asked for tcg' : kvmUnavailableReason();
  if (o.accel === 'kvm' || (o.accel === 'auto' && kvmWhy === null)) {
    const probeMs = o.accel === 'auto' ? o.kvmProbeMs ?? 10_000 : null;
    const r = await once(o, 'kvm', probeMs);
    if (!r.probeFailed) return { ...r, accelReason: o.accel === 'kvm' ? 'asked for kvm' : `KVM reached the initramfs within ${(probeMs ?? 0) / 1000} s` };
    if (o.signal.aborted) return { ...r, accelReason: 'interrupted during the KVM probe' };
    const t = await once(o, 'tcg', null);
    const kvmEnd = r.exit.elapsedMs < (probeMs ?? 0) - 200 ? `KVM failed (qemu: ${r.exit.tail.filter((l) => /qemu|kvm/i.test(l)).slice(-1)[0] ?? `exit ${r.exit.code ?? r.exit.signal}`})` : `KVM did not reach the initramfs within ${(probeMs ?? 0) / 1000} s (nested KVM?)`;
    return { ...t, accelReason: `${kvmEnd}; fell back to TCG software emulation` };
  }
  const r = await once(o, 'tcg', null);
  return { ...r, accelReason: o.accel === 'tcg' ? 'asked for tcg' : `KVM unavailable (${kvmWhy}); TCG software emulation` };
}
