/**
 * What a lab driver offers the CLI (kind-style: one folder per driver with the same file
 * names, and one `driver.ts` each exporting a `LabDriver`). The CLI knows only this
 * interface and the registry (registry.ts); it never imports a driver's files.
 */
import type { InputProblem } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import type { RunReport } from '../report/schema.js';
import type { ProgressEvent } from '../run/progress.js';
import type { Scenario } from '../scenario/schema.js';
import type { Readiness } from './setup-hint.js';

/** Run flags as commander hands them over (strings, unvalidated); drivers read their own. */
export interface DriverFlags {
  driver?: string;
  duration?: string;
  trials?: string;
  out?: string;
  json?: boolean;
  /** Every arm runs its full duration (no sequential stopping): benchmarks, comparisons with older runs. */
  fixed?: boolean;
  /** Sequential schedule: `ordered` or `interleaved` (see run/stopping.ts). */
  schedule?: string;
  /** Hidden: scale for deadlines (set by the vm driver inside its guests). */
  timeScale?: string;
  /** `--kube-proxy-mode` (every driver; a list with `check`). */
  kubeProxyMode?: string;
  /** `--kube-proxy-version` (every driver; a list with `check`). */
  kubeProxyVersion?: string;
  /**
   * Internal (no CLI flag; `reproduce` sets it on the netns driver): run the scenarios at once,
   * each in its own lab (run/run-each.ts). Drivers that cannot ignore it.
   */
  sideBySide?: boolean;
  [flag: string]: unknown;
}

/** A driver-specific command-line option (added to run/reproduce/check). */
export interface DriverOption {
  /** commander syntax, e.g. `--kernel <list>` or `--keep-cluster`. */
  flags: string;
  description: string;
  /** The camelCase key commander stores it under. */
  key: string;
}

/** What a driver gets to run scenarios. */
export interface DriverContext {
  runner: Runner;
  signal: AbortSignal;
  say(line: string): void;
  progress: (e: ProgressEvent) => void;
  /** The results folder (`--out` or the default); drivers may keep logs there. */
  outDir: string;
}

/** A lab driver. */
export interface LabDriver {
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  readonly options: DriverOption[];
  /** Problems with this driver's own flags (pure; nothing started). */
  flagProblems(flags: DriverFlags): InputProblem[];
  /** Problems of validated scenarios on this driver (read-only checks; nothing started). */
  scenarioProblems(scenarios: Scenario[]): InputProblem[];
  /** The proxy mode a scenario will run with (for matching expectations before running). */
  proxyModeFor(scenario: Scenario, flags: DriverFlags): string;
  /**
   * The kernels the scenarios will run on, as versions expectations can match (e.g. the
   * host's `uname -r`, or "6.1" per `--kernel` item for the vm driver). Flags are valid.
   */
  kernelsFor(flags: DriverFlags): string[];
  /**
   * Checks the machine (UnsupportedError, exit 2, before anything is created), removes
   * leftovers of dead runs, runs the scenarios, and hands every report to `onReport` as soon
   * as it exists (the CLI writes and prints it). Everything created is removed before it
   * returns or throws.
   */
  execute(ctx: DriverContext, scenarios: Scenario[], flags: DriverFlags, onReport: (r: RunReport) => Promise<void>): Promise<RunReport[]>;
  /** `resetlab doctor`: whether this machine can run the driver, and the one command that makes it ready (read-only). */
  readiness(runner: Runner): Promise<Readiness>;
  /**
   * `resetlab cleanup`: removes what dead runs of this driver left and says so. `flags` are the
   * cleanup command's (`--driver`, the driver's own options); a driver that reaches something
   * outside this machine (kube) acts only when `--driver` names it.
   */
  removeLeftovers(ctx: Pick<DriverContext, 'runner' | 'say'>, flags?: DriverFlags): Promise<void>;
}
