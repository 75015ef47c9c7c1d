/**
 * The `bench` command group: `bench rps` (RPS masks compared on one lab) and `bench harness`
 * (the harness's own performance against wrk, iperf3 and its stored baseline).
 */
import type { Command } from 'commander';
import type { BenchRpsFlags } from '../../bench/rps/plan.js';
import type { CliContext } from '../context.js';
import { benchHarnessCommand, type BenchHarnessFlags } from './bench-harness.js';
import { benchRpsCommand } from './bench-rps.js';

/** Registers `bench rps` and `bench harness` on `program`; `getCtx` is called only when one runs. */
export function registerBenchCommands(program: Command, getCtx: () => CliContext): void {
  const bench = program.command('bench').description('benchmarks: RPS settings, and the harness itself');
  bench
    .command('rps')
    .description('compare RPS masks (rps_cpus on the node-a <-> node-b wire) on one lab: throughput, latency, resets, softirq CPU')
    .option('--masks <list>', 'comma-separated hex CPU masks, the first is the baseline (default: 0, each CPU alone, all CPUs)')
    .option('--scenario <name|file>', 'scenario whose load and fault to use (default: none)')
    .option('--liberal <list>', 'cross the masks with these nf_conntrack_tcp_be_liberal values, e.g. 0,1')
    .option('--trials <n>', 'trials per arm, interleaved and counterbalanced (default: 3)')
    .option('--duration <duration>', 'load duration per arm (default: 5s)')
    .option('--out <dir>', 'results directory (default: results/ in the package)')
    .option('--json', 'print bench.json on stdout (progress stays on stderr)')
    .action((flags: BenchRpsFlags) => benchRpsCommand(getCtx(), flags));
  bench
    .command('harness')
    .description("measure the harness: load agent vs wrk, 64 KiB vs iperf3, measurement overhead, lab and reproduce times, load agent memory")
    .option('--quick', 'shorter measurements (for a smoke test; numbers are noisier)')
    .option('--skip-reproduce', 'do not time `resetlab reproduce` (saves about a minute)')
    .option('--baseline <file>', 'baseline to compare with (default: bench/baseline.json)')
    .option('--write-baseline', 'also write the results as the new baseline file')
    .option('--json', 'print the results as one JSON document')
    .action((flags: BenchHarnessFlags) => benchHarnessCommand(getCtx(), flags));
}
