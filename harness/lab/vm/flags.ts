/**
 * The vm driver's flags (pure): `--kernel A,B,...` (parsed by kernels/spec.ts: Debian series
 * like 6.1, package versions like 6.1.192-2, or one path to a vmlinuz with `--modules DIR`), `--memory`, `--cpus`,
 * `--accel auto|kvm|tcg`, `--vm-timeout`, `--parallel N`. Every problem is listed as
 * `flags: --field: message`.
 */
import { availableParallelism } from 'node:os';
import { stoppingFor, type StoppingMode } from '../../run/stopping.js';
import type { InputProblem } from '../../errors.js';
import type { KernelSpec } from '../../kernels/artefact.js';
import { parseKernelList } from '../../kernels/spec.js';
import { parseDuration } from '../../scenario/duration.js';

/** vm flags as commander hands them over. */
export interface VmFlags {
  kernel?: string;
  modules?: string;
  memory?: string;
  cpus?: string;
  accel?: string;
  vmTimeout?: string;
  parallel?: string;
  /** The CLI's stopping flags (validated there). */
  fixed?: boolean;
  schedule?: string;
}

/** Validated vm settings. */
export interface VmSettings {
  kernels: KernelSpec[];
  memoryMiB: number;
  cpus: number;
  accel: 'auto' | 'kvm' | 'tcg';
  /** Upper bound for one guest (boot + every cell); null: computed from the cells. */
  timeoutMs: number | null;
  /** Guests (kernels) booted at once. */
  parallel: number;
  /** How the guest's arms stop (`--fixed`, `--schedule`), passed to every cell's `resetlab run`. */
  stopping: StoppingMode;
  /** `--kube-proxy` for every cell (a cached version or an absolute folder), resolved on the host first. */
  kubeProxy?: string;
  /** Another driver hosted in the guest instead of netns (the kind driver: harness/lab/kind/in-guest.ts). */
  guestDriver?: GuestDriver;
}

/** A driver the guest runs its cells on, and what the guest must do for it first. */
export interface GuestDriver {
  /** The driver's name, as reports give it (`kind`; their `vm` facts say it ran in a guest). */
  name: string;
  /** Replaces `--driver netns` on every cell's `resetlab run`. */
  args: string[];
  /** Stage 2's prelude (guest-init.ts). */
  prelude: string;
  /** tmpfs of the guest root's writable layer. */
  overlaySize: string;
  /** Added to each cell's budget (e.g. creating a cluster). */
  perCellMs: number;
  /** Added once to the guest's budget (e.g. starting dockerd, importing the node image). */
  setupMs: number;
}

/**
 * Defaults: the memory of the first guest measurements (KNOWLEDGE.md §5), and one vCPU. With
 * two under TCG (multi-threaded) the load agent (node) died with SIGSEGV or SIGILL when
 * stopping in 3 of 4 masquerade cells measured here on 6.1.192; with one, in 0 of 4
 * (2026-11-28). `--cpus N` gives more (e.g. where KVM boots).
 */
export const VM_DEFAULTS = { memoryMiB: 3072, cpus: 1, accel: 'auto' } as const;

/** Validates the vm flags; `problems` is empty when fine. */
export function parseVmFlags(flags: VmFlags): { settings: VmSettings | null; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const p = (field: string, message: string) => problems.push({ file: 'flags', field, message });
  let kernels: KernelSpec[] = [];
  if (flags.kernel === undefined || flags.kernel.trim() === '') {
    p('--kernel', 'the vm driver needs a kernel: --kernel 6.1 (a Debian series), a package version, or --kernel /path/vmlinuz --modules /path/lib/modules/VERSION');
  } else {
    const parsed = parseKernelList(flags.kernel, flags.modules);
    problems.push(...parsed.problems);
    kernels = parsed.specs;
  }
  const int = (field: string, value: string | undefined, min: number, max: number, fallback: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) p(field, `must be an integer from ${min} to ${max}, got "${value}"`);
    return n;
  };
  const memoryMiB = int('--memory', flags.memory, 512, 65536, VM_DEFAULTS.memoryMiB);
  const cpus = int('--cpus', flags.cpus, 1, 64, VM_DEFAULTS.cpus);
  const parallel = int('--parallel', flags.parallel, 1, 16, defaultParallel(cpus, kernels.length));
  const accel = flags.accel ?? VM_DEFAULTS.accel;
  if (!['auto', 'kvm', 'tcg'].includes(accel)) p('--accel', `expected auto, kvm or tcg, got "${accel}"`);
  let timeoutMs: number | null = null;
  if (flags.vmTimeout !== undefined) {
    try {
      timeoutMs = parseDuration(flags.vmTimeout);
    } catch (error) {
      p('--vm-timeout', `${(error as Error).message} (e.g. 20m)`);
    }
  }
  if (problems.length > 0) return { settings: null, problems };
  return { settings: { kernels, memoryMiB, cpus, accel: accel as VmSettings['accel'], timeoutMs, parallel, stopping: stoppingFor(flags) }, problems };
}

/**
 * Guests at once when `--parallel` is not given: as many as the host's cores hold at `cpus`
 * vCPUs each (a TCG vCPU keeps one host core busy), at least one, at most one per kernel.
 * Measured on this project's 2-core machines (2026-11-28): two 1-vCPU guests at once probed at
 * 160-190 req/s each (30-50x slower than the host), and `check --driver vm --kernel 6.1,6.12`
 * (46 cells) took 27.5 min wall, every cell decided; each guest's time scale is in its results.
 */
export function defaultParallel(cpus: number, kernels: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(Math.max(1, kernels), Math.floor(cores / Math.max(1, cpus))));
}
