/**
 * A `ContainerEngine` for tests: records every call as a readable line, starts nothing.
 * Agents are ready at once and finish on `stop()` with `result` (default `{event:'result'}`);
 * toolbox commands answer from `toolboxAnswers` (first match wins, else success, empty).
 */
import type { AgentName, StartedAgent } from '../exec/agent-process.js';
import type { RunOptions, RunResult } from '../exec/runner.js';
import { CommandError } from '../errors.js';
import { commandLine } from '../exec/runner.js';
import type { ContainerConfig, ContainerTarget } from './container-config.js';
import type { ContainerEngine } from './engine.js';
import type { ImageRecipe } from './image.js';
import type { StartedToolbox } from './toolbox.js';

/** See module doc. */
export class FakeContainerEngine implements ContainerEngine {
  /** `agent <name> <networkMode> <command>`, `toolbox <name> <networkMode>`, `exec <name> <argv>`, `stop <name>`, `build <tag> <recipe>`, `remove <prefix>`. */
  readonly lines: string[] = [];
  readonly configs: ContainerConfig[] = [];
  /** Inputs given to toolbox commands, by command line. */
  readonly inputs: { line: string; input: string }[] = [];
  readonly toolboxAnswers: { match: RegExp; result: Partial<RunResult> }[] = [];
  result: Record<string, unknown> | null = { event: 'result' };

  startAgent(config: ContainerConfig, name: AgentName): StartedAgent {
    this.configs.push(config);
    this.lines.push(`agent ${config.name} ${config.networkMode} ${commandLine(config.command)}`);
    let stopped = false;
    const finished = Promise.resolve().then(() => ({ result: this.result, killedAtDeadline: false, stderr: '' }));
    return {
      name,
      ready: Promise.resolve({ event: 'ready' }),
      finished,
      onTick: () => undefined,
      stop: async () => {
        if (!stopped) this.lines.push(`stop ${config.name}`);
        stopped = true;
        return finished;
      },
      kill: () => {
        if (!stopped) this.lines.push(`stop ${config.name}`);
        stopped = true;
      },
    };
  }

  async startToolbox(config: ContainerConfig, _target: ContainerTarget): Promise<StartedToolbox> {
    this.configs.push(config);
    this.lines.push(`toolbox ${config.name} ${config.networkMode}`);
    return {
      id: config.name,
      exec: async (argv: readonly string[], options: RunOptions = {}) => {
        const line = commandLine(argv);
        this.lines.push(`exec ${config.name} ${line}`);
        if (options.input !== undefined) this.inputs.push({ line, input: options.input });
        const answer = this.toolboxAnswers.find((a) => a.match.test(line));
        const result: RunResult = { stdout: '', stderr: '', exitCode: 0, ...answer?.result };
        if (options.check !== false && result.exitCode !== 0) throw new CommandError(line, result.exitCode, result.stderr);
        return result;
      },
      stop: async () => void this.lines.push(`stop ${config.name}`),
    };
  }

  async buildImage(tag: string, recipe: ImageRecipe): Promise<void> {
    this.lines.push(`build ${tag} ${recipe}`);
  }

  async removePrefixContainers(prefix: string): Promise<string[]> {
    this.lines.push(`remove ${prefix}`);
    return [];
  }

  async removeLeftovers(): Promise<{ removed: string[]; inUse: string[]; problems: string[] }> {
    this.lines.push('leftovers');
    return { removed: [], inUse: [], problems: [] };
  }
}
