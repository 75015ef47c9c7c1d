/**
 * The 6.1 kernel the guest tests boot: from the kernel cache (`--kernel 6.1`); before the
 * cache exists, from RESETLAB_VM_KERNEL + RESETLAB_VM_MODULES or the prefetched
 * /var/tmp/rl-kernels/6.1 tree. Returns the --kernel flags, or why this machine cannot boot one.
 */
import { existsSync } from 'node:fs';
import { resolveKernel } from '../../harness/kernels/resolve.js';
import { vmPreconditions } from '../../harness/lab/vm/preconditions.js';

const PREFETCHED = { vmlinuz: '/var/tmp/rl-kernels/6.1/boot/vmlinuz-6.1.0-56-amd64', modules: '/var/tmp/rl-kernels/6.1/lib/modules/6.1.0-56-amd64' };

/** The --kernel flags to use, or the reason this machine cannot run a guest test. */
export async function kernel61Flags(): Promise<string[] | string> {
  const missing = vmPreconditions();
  if (missing.length > 0) return `the vm driver cannot run here: needs ${missing.join(', ')}`;
  if (process.env.RESETLAB_VM_KERNEL && process.env.RESETLAB_VM_MODULES) return ['--kernel', process.env.RESETLAB_VM_KERNEL, '--modules', process.env.RESETLAB_VM_MODULES];
  try {
    await resolveKernel({ kind: 'series', series: '6.1' }, { say: (l) => process.stderr.write(l + '\n') });
    return ['--kernel', '6.1'];
  } catch (error) {
    if (existsSync(PREFETCHED.vmlinuz) && existsSync(PREFETCHED.modules)) return ['--kernel', PREFETCHED.vmlinuz, '--modules', PREFETCHED.modules];
    return `no 6.1 kernel: the cache cannot fetch it (${(error as Error).message}) and ${PREFETCHED.vmlinuz} is absent`;
  }
}
