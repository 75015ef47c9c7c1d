/**
 * Whether KVM can even be tried (read-only: /dev/kvm exists and opens read-write). Whether a
 * guest actually *boots* under KVM (nested KVM often does not) is only known by booting:
 * the caller probes with a short budget and falls back to TCG.
 */
import { closeSync, constants, openSync } from 'node:fs';

/** Null when /dev/kvm can be opened, else the reason it cannot. */
export function kvmUnavailableReason(device = '/dev/kvm'): string | null {
  try {
    closeSync(openSync(device, constants.O_RDWR));
    return null;
  } catch (error) {
    return `${device}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}
