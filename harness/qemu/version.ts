/** qemu's version, read from `--version` (parse is pure). */
import type { Runner } from '../exec/runner.js';

/** "QEMU emulator version 7.2.22 (Debian ...)" -> "7.2.22"; null if not recognised. */
export function parseQemuVersion(text: string): string | null {
  return /QEMU emulator version (\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1] ?? null;
}

/** The installed qemu's version, or null when it is not installed. */
export async function qemuVersion(runner: Runner, binary = 'qemu-system-x86_64'): Promise<string | null> {
  const r = await runner.run([binary, '--version'], { check: false, timeoutMs: 10_000 }).catch(() => null);
  return r && r.exitCode === 0 ? parseQemuVersion(r.stdout) : null;
}
