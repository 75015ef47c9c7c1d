/**
 * `DockerNodeFs`: a `NodeFs` inside a running container (a kind node), read with
 * `docker exec <node> cat|ls|test`. A missing file is a normal answer (null / false); a
 * failure of docker itself (no such container, engine gone: exit 125-127) throws the
 * `CommandError` with the pasteable command line.
 */
import { CommandError, tail } from '../errors.js';
import { commandLine, type RunResult, type Runner } from '../exec/runner.js';
import type { NodeFs } from './node-fs.js';

/** `docker exec` exit codes that mean docker failed, not the command inside the container. */
const DOCKER_FAILURES = new Set([125, 126, 127]);

/** Reads files of one container through `docker exec`; read-only, nothing to clean up. */
export class DockerNodeFs implements NodeFs {
  readonly label: string;
  constructor(
    private readonly runner: Runner,
    readonly node: string,
  ) {
    this.label = `kind node ${node}`;
  }

  private async exec(args: string[]): Promise<RunResult> {
    const argv = ['docker', 'exec', this.node, ...args];
    const result = await this.runner.run(argv, { check: false, timeoutMs: 15_000 });
    if (DOCKER_FAILURES.has(result.exitCode)) {
      throw new CommandError(commandLine(argv), result.exitCode, tail(result.stderr || result.stdout));
    }
    return result;
  }

  async readFile(path: string): Promise<string | null> {
    const result = await this.exec(['cat', '--', path]);
    return result.exitCode === 0 ? result.stdout : null;
  }

  async listDir(path: string): Promise<string[] | null> {
    // The trailing slash makes ls fail on a regular file instead of printing its name.
    const result = await this.exec(['ls', '-1A', '--', path.endsWith('/') ? path : `${path}/`]);
    if (result.exitCode !== 0) return null;
    return result.stdout.split('\n').filter((name) => name !== '');
  }

  async exists(path: string): Promise<boolean> {
    return (await this.exec(['test', '-e', path])).exitCode === 0;
  }
}
