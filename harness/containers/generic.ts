/**
 * `ContainerConfig` (container-config.ts) -> testcontainers `GenericContainer`. The only
 * addition to testcontainers' builder is the PID mode (a pod's agent needs the node's PID
 * namespace), set on the builder's own HostConfig as its modules do.
 */
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import type { ContainerConfig } from './container-config.js';
import { engineClient } from './runtime.js';

/** GenericContainer with `withPidMode`. */
export class ResetlabContainer extends GenericContainer {
  /** `container:<id>` shares that container's PID namespace. */
  withPidMode(pidMode: string): this {
    this.hostConfig.PidMode = pidMode;
    return this;
  }
}

/** The builder for `config` (not started; the caller adds waits and log consumers). */
export function genericContainer(config: ContainerConfig): ResetlabContainer {
  const c = new ResetlabContainer(config.image)
    .withName(config.name)
    .withLabels(config.labels)
    .withNetworkMode(config.networkMode)
    .withAddedCapabilities(...config.capAdd)
    .withEnvironment(config.env)
    .withCommand(config.command);
  if (config.pidMode) c.withPidMode(config.pidMode);
  if (config.securityOpt.length > 0) c.withSecurityOpt(...config.securityOpt);
  return c;
}

/** Removes a stopped (or running) container by id through testcontainers' client; a missing one is fine. */
export async function removeContainer(id: string): Promise<void> {
  const client = await engineClient();
  const container = client.container.getById(id);
  await client.container.stop(container, { timeout: 0 }).catch(() => undefined);
  try {
    await client.container.remove(container, { removeVolumes: true });
  } catch (error) {
    if (!/no such container|is already in progress|404|409/i.test(String((error as Error).message))) throw error;
  }
}

/** The exit code of a (stopped) container, or null. */
export async function exitCode(started: StartedTestContainer): Promise<number | null> {
  const client = await engineClient();
  try {
    const info = await client.container.inspect(client.container.getById(started.getId()));
    return info.State.Running ? null : info.State.ExitCode;
  } catch {
    return null;
  }
}
