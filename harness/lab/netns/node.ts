/**
 * A netns node: a handle that runs commands inside one network namespace of the run.
 * `ip netns exec` also mounts that namespace's sysfs, so per-interface files (rps_cpus)
 * are the namespace's own.
 */
import type { Runner, RunOptions, RunResult } from '../../exec/runner.js';
import type { LabNode, NodeRole } from '../lab.js';

/** Runs commands in namespace `id` through `runner`. */
export class NetnsNode implements LabNode {
  constructor(
    readonly role: NodeRole,
    readonly id: string,
    private readonly runner: Runner,
  ) {}

  wrap(argv: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.id, ...argv];
  }

  exec(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    return this.runner.run(this.wrap(argv), options);
  }

  /** Runs `ip -n <ns> -batch -` with one ip command per line (faster than one process each). */
  ipBatch(lines: readonly string[]): Promise<RunResult> {
    return this.runner.run(['ip', '-n', this.id, '-batch', '-'], { input: lines.join('\n') + '\n' });
  }
}
