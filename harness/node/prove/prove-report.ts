/**
 * `ProveReport`: everything `node prove` found, as one plain JSON document
 * (`resetlab/node-prove@1`, written as result.json), from which the terminal text, the
 * Markdown and the HTML are rendered. Pure: building the verdict from the boots.
 */
import type { BootEvidence } from './evidence.js';
import type { InitSystem, ProxyMode } from './guest-collector.js';
import { bootOutcome, type BootOutcome } from './timeline.js';

/** One boot in the report. */
export interface ProveBoot {
  /** `before` (the configuration as given) or `after` (with `node persist --apply`). */
  label: 'before' | 'after';
  /** Wall-clock seconds from starting qemu to its exit. */
  seconds: number;
  /** How this boot was accelerated, and why (e.g. why KVM was not used). */
  accel: 'tcg' | 'kvm';
  accelReason: string;
  outcome: BootOutcome;
  /** What `node check` said from the same files before the boot (the static prediction). */
  predicted?: { kind: 'survives' | 'lost' | 'unconfirmed'; text: string };
  evidence: BootEvidence;
  /** The boot's folder (console.log, out/), relative to the report's folder. */
  folder: string;
}

/** The report. Extend with optional fields; never rename or remove. */
export interface ProveReport {
  schema: 'resetlab/node-prove@1';
  startedAt: string;
  kernel: { release: string; vmlinuz: string; source: string };
  init: InitSystem;
  proxyMode: ProxyMode;
  proxyStep: string;
  accel: 'tcg' | 'kvm';
  rootfs: { key: string; suite: string; packages: string[]; sizeBytes: number; builtThisRun: boolean; buildSeconds: number };
  /** `default` (stock Debian + one sysctl.d line) or the `--root` folder. */
  config: { source: string; paths: string[] };
  /** What `node persist --apply` wrote into the copy booted second (with --fix). */
  fix?: { lines: string[]; warnings: string[] };
  boots: ProveBoot[];
  verdict: { outcome: 'kept' | 'lost' | 'unknown'; exitCode: 0 | 3; text: string };
  notes: string[];
}

/** The verdict: the last boot decides (the fixed one with --fix). Exit 0 only when it kept 1. */
export function proveVerdict(boots: readonly ProveBoot[]): ProveReport['verdict'] {
  const last = boots.at(-1);
  if (!last) return { outcome: 'unknown', exitCode: 3, text: 'no boot finished' };
  const first = boots[0]!;
  const outcome = bootOutcome(last.evidence);
  const values = boots.map((b) => `${b.label}: ${b.evidence.liberalAfterProxy ?? 'not read'}`).join(', ');
  if (outcome === 'kept') {
    return {
      outcome,
      exitCode: 0,
      text: boots.length > 1 && first.outcome === 'lost' ? `the fix works: be_liberal was lost at boot as given and kept with the fix (${values})` : `be_liberal = 1 survives the reboot (${values})`,
    };
  }
  return {
    outcome,
    exitCode: 3,
    text: boots.length > 1 ? `the fix did not keep be_liberal = 1 (${values})` : `be_liberal = 1 is lost at reboot (${values}); \`node prove --fix\` boots again with \`node persist --apply\``,
  };
}
