/**
 * Interruption of the benchmarks: once the CLI's abort signal has fired (SIGINT/SIGTERM), the
 * benchmark stops at the next step boundary, cleans up, and the error the CLI sees is an
 * `InterruptedError` (exit 130), whatever failed on the way because of the signal. Pure.
 */
import { InterruptedError } from '../errors.js';

/** The InterruptedError for a fired `signal` (its reason is the signal's name, e.g. SIGINT). */
export function interruptedBy(signal: AbortSignal): InterruptedError {
  return new InterruptedError(String(signal.reason ?? 'signal'));
}

/** Throws InterruptedError when `signal` has fired. */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw interruptedBy(signal);
}

/** `error` as the CLI should see it: an InterruptedError once `signal` has fired, else unchanged. */
export function asInterrupted(error: unknown, signal: AbortSignal | undefined): unknown {
  if (!signal?.aborted || error instanceof InterruptedError) return error;
  return interruptedBy(signal);
}
