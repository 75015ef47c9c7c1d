/**
 * The command table (CLI contract v1, DESIGN.md). Commands throw typed errors and
 * `exitCodeFor` maps them to exit codes (entry.ts runs the table and calls `process.exit`)
 * (0 done, 1 unexpected, 2 invalid input, 3 gate failed, 130 interrupted).
 */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, ResetlabError } from '../errors.js';
import { DEFAULT_DRIVER, DRIVERS, driverOptions } from '../lab/registry.js';
import { resetlabVersion } from '../run/environment.js';
import { registerBenchCommands } from './commands/bench.js';
import { checkCommand, type CheckFlags } from './commands/check.js';
import { cleanupCommand, type CleanupFlags } from './commands/cleanup.js';
import { compareCommand, type CompareFlags } from './commands/compare.js';
import { doctorCommand } from './commands/doctor.js';
import { registerKernelCommands } from './commands/kernels.js';
import { registerKubeProxyCommands } from './commands/kube-proxy.js';
import { registerKindCommands } from './commands/kind-image.js';
import { listCommand } from './commands/list.js';
import { registerNodeCommands } from './commands/node.js';
import { reportCommand } from './commands/report.js';
import { reproduceCommand } from './commands/reproduce.js';
import { runCommand, type RunFlags } from './commands/run.js';
import type { CliContext } from './context.js';

/** Help headings of run/reproduce/check, in the order `--help` shows them (drivers' groups follow "Lab"). */
export const HELP_GROUPS = { lab: 'Lab:', load: 'Load:', stopping: 'Stopping:', output: 'Output:', gate: 'Gate (check):' } as const;

/** The help heading of options one or more drivers share, e.g. "vm driver (--driver vm):". */
export function driverHelpGroup(drivers: string[]): string {
  return drivers.length === 1 ? `${drivers[0]} driver (--driver ${drivers[0]}):` : `${drivers.join(' and ')} drivers (--driver ${drivers.join('|')}):`;
}

/**
 * The options of run/reproduce/check in help groups: lab, `first` (e.g. check's gate
 * options), load, stopping, output, then one group per driver (an option several drivers
 * share is added once, under all their names).
 */
function runOptions(cmd: Command, first: Option[] = []): Command {
  const add = (group: string, o: Option) => cmd.addOption(o.helpGroup(group));
  add(HELP_GROUPS.lab, new Option('--driver <driver>', `lab driver: ${DRIVERS.map((d) => `${d.name}${d.name === DEFAULT_DRIVER ? ' (default)' : ''}: ${d.summary}`).join('; ')}`));
  add(HELP_GROUPS.lab, new Option('--kube-proxy-mode <mode>', 'ipvs, iptables or nftables (overrides the scenario; check: a list such as ipvs,nftables compares them)'));
  add(HELP_GROUPS.lab, new Option('--kube-proxy-version <version>', 'the kube-proxy release whose rules the lab models, e.g. v1.37 or v1.20 (check: a list compares them)'));
  for (const o of first) cmd.addOption(o);
  add(HELP_GROUPS.load, new Option('--duration <duration>', 'load duration per arm, e.g. 10s (overrides the scenario); the maximum when arms stop on a decision'));
  add(HELP_GROUPS.load, new Option('--trials <n>', 'repeat the arms N times (overrides the scenario)'));
  add(HELP_GROUPS.stopping, new Option('--fixed', 'run every arm for its full duration (no sequential stopping): benchmarks, comparisons with older runs'));
  add(HELP_GROUPS.stopping, new Option('--schedule <schedule>', 'sequential runs: ordered (each arm in one piece) or interleaved (alternating blocks)'));
  add(HELP_GROUPS.output, new Option('--out <dir>', 'results directory (default: results/ in the package)'));
  add(HELP_GROUPS.output, new Option('--json', 'print exactly one JSON document on stdout (progress stays on stderr)'));
  // Each driver's own options come from the registry, one help group per driver; the registry rejects them with another driver.
  const byFlag = new Map<string, { flags: string; description: string; drivers: string[] }>();
  for (const o of driverOptions()) {
    const seen = byFlag.get(o.flags) ?? { flags: o.flags, description: o.description.replace(new RegExp(`^${o.driver}: `), ''), drivers: [] };
    seen.drivers.push(o.driver);
    byFlag.set(o.flags, seen);
  }
  for (const o of byFlag.values()) add(driverHelpGroup(o.drivers), new Option(o.flags, o.description));
  return cmd.addOption(new Option('--time-scale <x>', 'multiply deadlines (set by the vm driver in its guests)').hideHelp());
}

/** Builds the program; `ctx` is created lazily so that `--help` touches nothing. */
export function buildProgram(getCtx: () => CliContext): Command {
  const program = new Command('resetlab')
    .description('Reproduce, measure and regression-test "Connection reset by peer" on cross-node Service traffic')
    .version(resetlabVersion())
    .showHelpAfterError()
    .exitOverride();
  runOptions(program.command('reproduce').description('run over-window-masquerade (resets) and over-window (protected by kube-proxy) side by side, liberal=0 vs 1'))
    .action((flags: RunFlags) => reproduceCommand(getCtx(), flags));
  runOptions(program.command('run').argument('<scenario...>', 'built-in scenario names or YAML files').description('run scenarios'))
    .action((refs: string[], flags: RunFlags) => runCommand(getCtx(), refs, flags));
  runOptions(program.command('check').description('CI gate: run the scenarios in an expectations file and compare verdicts (exit 3 on a difference)'), [
    new Option('--expect <file>', 'expectations file (default: scenarios/expectations.yaml)').helpGroup(HELP_GROUPS.gate),
    new Option('--only <names>', 'comma-separated subset of the listed scenarios').helpGroup(HELP_GROUPS.gate),
  ])
    .addOption(new Option('--junit <file>', 'also write JUnit XML (one test case per scenario)').helpGroup(HELP_GROUPS.output))
    .action((flags: CheckFlags) => checkCommand(getCtx(), flags));
  program
    .command('report')
    .argument('<run-dir>', 'a run directory (or its result.json)')
    .description('re-render summary.md and report.html from result.json')
    .action((runDir: string) => reportCommand(runDir));
  program
    .command('compare')
    .argument('<runA>', 'baseline: run directory or result.json')
    .argument('<runB>', 'candidate: run directory or result.json')
    .description('compare a baseline run with a candidate; exit 3 when the candidate is worse')
    .option('--json', 'print the comparison as one JSON document')
    .option('--markdown <file>', 'also write the comparison as Markdown to FILE')
    .action((runA: string, runB: string, flags: CompareFlags) => compareCommand(runA, runB, flags));
  registerNodeCommands(program, getCtx);
  registerBenchCommands(program, getCtx);
  registerKernelCommands(program, getCtx);
  registerKubeProxyCommands(program, getCtx);
  registerKindCommands(program, getCtx);
  program.command('list').description('list the built-in scenarios').action(() => listCommand());
  program
    .command('doctor')
    .description('say what this machine can and cannot do')
    .option('--json', 'print findings as JSON')
    .action((flags: { json?: boolean }) => doctorCommand(getCtx(), flags));
  program
    .command('cleanup')
    .description('remove everything left by runs that did not finish (a cluster of yours only with --driver kube)')
    .option('--driver <driver>', 'only this driver\'s leftovers (kube: the dead runs\' namespaces on the cluster of --context)')
    .option('--context <name>', 'kube: the kubeconfig context (default: the current one)')
    .option('--kubeconfig <file>', "kube: the kubeconfig (default: kubectl's)")
    .option('--allow-context <name>', 'kube: use this context although it does not look local')
    .addOption(new Option('--time-scale <x>', 'multiply deadlines (set by the vm driver in its guests)').hideHelp())
    .action(({ timeScale: _t, ...flags }: CleanupFlags & { timeScale?: string }) => cleanupCommand(getCtx(), flags));
  return program;
}

/** Maps any error to its exit code and a message on stderr. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return ExitCode.ok;
    return ExitCode.invalidInput;
  }
  if (error instanceof ResetlabError) return error.exitCode;
  return ExitCode.unexpected;
}
