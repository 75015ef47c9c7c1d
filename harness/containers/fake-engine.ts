/**
 * A `ContainerEngine` for tests: records every call as a readable line, starts nothing.
 * Agents are ready at once and finish on `stop()` with `result` (default `{event:'result'}`);
 * toolbox commands answer from `toolboxAnswers` (first match wins, else success, empty).
 * `record` receives every line too, and `execVia` (when given) answers toolbox commands
 * instead (kind tests route both into their FakeRunner, so one sequence shows everything).
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
  /** `agent <name> <networkMode> <command>`, `toolbox <name> <networkMode> [<pod netns>]`, `exec <name> <argv>`, `stop <name>`, `build <tag> <recipe>`, `remove <prefix>`. */
  readonly lines: string[] = [];
  readonly configs: ContainerConfig[] = [];
  /** Inputs given to toolbox commands, by command line. */
  readonly inputs: { line: string; input: string }[] = [];
  readonly toolboxAnswers: { match: RegExp; result: Partial<RunResult> }[] = [];
  result: Record<string, unknown> | null = { event: 'result' };
  /** When set, `removePrefixContainers` fails with this message. */
  removeFails: string | null = null;

  constructor(
    private readonly record: (line: string) => void = () => undefined,
    private readonly execVia?: (toolbox: string, argv: readonly string[], options: RunOptions) => Promise<RunResult>,
  ) {}

  private log(line: string): void {
    this.lines.push(line);
    this.record(line);
  }

  startAgent(config: ContainerConfig, name: AgentName): StartedAgent {
    this.configs.push(config);
    this.log(`agent ${config.name} ${config.networkMode} ${commandLine(config.command)}`);
    let stopped = false;
    const finished = Promise.resolve().then(() => ({ result: this.result, killedAtDeadline: false, stderr: '' }));
    return {
      name,
      ready: Promise.resolve({ event: 'ready' }),
      finished,
      onTick: () => undefined,
      onCount: () => undefined,
      stop: async () => {
        if (!stopped) this.log(`stop ${config.name}`);
        stopped = true;
        return finished;
      },
      kill: () => {
        if (!stopped) this.log(`stop ${config.name}`);
        stopped = true;
      },
    };
  }

  async startToolbox(config: ContainerConfig, target: ContainerTarget): Promise<StartedToolbox> {
    this.configs.push(config);
    this.log(`toolbox ${config.name} ${config.networkMode}${target.podNetns ? ` ${target.podNetns}` : ''}`);
    return {
      id: config.name,
      exec: async (argv: readonly string[], options: RunOptions = {}) => {
        if (this.execVia) return this.execVia(config.name, argv, options);
        const line = commandLine(argv);
        this.log(`exec ${config.name} ${line}`);
        if (options.input !== undefined) this.inputs.push({ line, input: options.input });
        const answer = this.toolboxAnswers.find((a) => a.match.test(line));
        const result: RunResult = { stdout: '', stderr: '', exitCode: 0, ...answer?.result };
        if (options.check !== false && result.exitCode !== 0) throw new CommandError(line, result.exitCode, result.stderr);
        return result;
      },
      stop: async () => void this.log(`stop ${config.name}`),
    };
  }

  async buildImage(tag: string, recipe: ImageRecipe): Promise<void> {
    this.log(`build ${tag} ${recipe}`);
  }

  async removePrefixContainers(prefix: string): Promise<string[]> {
    this.log(`remove ${prefix}`);
    if (this.removeFails !== null) throw new Error(this.removeFails);
    return [];
  }

  async removeLeftovers(): Promise<{ removed: string[]; inUse: string[]; problems: string[] }> {
    this.log('leftovers');
    return { removed: [], inUse: [], problems: [] };
  }
}
