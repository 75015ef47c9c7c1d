/**
 * A toolbox: one idle container from our image in a target (a node, or a pod on it), started
 * by testcontainers, in which commands the node image lacks (`nft`, `ipvsadm`) run with
 * exec. testcontainers' exec has no stdin, so a command's input is copied into the container
 * first and redirected (`sh -c 'exec "$@" < FILE'`). The caller registers `stop()` at birth;
 * the container carries the run's label for crash cleanup.
 */
import { Wait, type StartedTestContainer } from 'testcontainers';
import { CommandError, tail } from '../errors.js';
import { commandLine, type RunOptions, type RunResult } from '../exec/runner.js';
import { enterTarget, TOOLBOX_READY, type ContainerConfig, type ContainerTarget } from './container-config.js';
import { genericContainer, removeContainer } from './generic.js';
import { containerRuntime } from './runtime.js';

/** A running toolbox. */
export interface StartedToolbox {
  readonly id: string;
  /** Runs `argv` in the toolbox's target; throws `CommandError` on failure unless `check: false`. */
  exec(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Stops and removes the container. */
  stop(): Promise<void>;
}

/** The argv the toolbox runs for `argv` in `target`, reading `inputFile` as stdin when given. Pure. */
export function toolboxArgv(target: ContainerTarget, argv: readonly string[], inputFile?: string): string[] {
  const inner = [...enterTarget(target), ...argv];
  return inputFile === undefined ? inner : ['sh', '-c', 'exec "$@" < "$0"', inputFile, ...inner];
}

/** Starts a toolbox from `config` (toolboxContainerConfig) for `target`. */
export async function startToolbox(config: ContainerConfig, target: ContainerTarget, startupMs = 60_000): Promise<StartedToolbox> {
  await containerRuntime();
  const started: StartedTestContainer = await genericContainer(config)
    .withWaitStrategy(Wait.forLogMessage(TOOLBOX_READY))
    .withStartupTimeout(startupMs)
    .start();
  let inputs = 0;
  return {
    id: started.getId(),
    async exec(argv, options = {}) {
      let file: string | undefined;
      if (options.input !== undefined) {
        inputs += 1;
        file = `/tmp/resetlab-stdin-${inputs}`;
        await started.copyContentToContainer([{ content: options.input, target: file }]);
      }
      const full = toolboxArgv(target, argv, file);
      const timeoutMs = options.timeoutMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CommandError(commandLine(argv), undefined, `timed out after ${timeoutMs} ms in toolbox ${config.name}`)), timeoutMs);
      });
      const r = await Promise.race([started.exec(full), timeout]).finally(() => clearTimeout(timer));
      const out: RunResult = { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
      if (options.check !== false && out.exitCode !== 0) {
        throw new CommandError(`${commandLine(argv)} (in toolbox ${config.name})`, out.exitCode, tail(out.stderr || out.stdout));
      }
      return out;
    },
    async stop() {
      await started.stop({ timeout: 0, remove: false }).catch(() => undefined);
      await removeContainer(started.getId());
    },
  };
}
