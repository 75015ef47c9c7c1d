/**
 * `ContainerEngine`: everything resetlab does with containers, as one narrow interface, so
 * drivers (the kind driver) never build engine commands themselves and their tests can use
 * `FakeContainerEngine`. The real one is testcontainers (`testcontainersEngine`). Who starts
 * a container registers its stop at birth; `removePrefixContainers` is the label sweep.
 */
import type { AgentName, StartedAgent } from '../exec/agent-process.js';
import { startAgentContainer } from './agent-container.js';
import type { ContainerConfig, ContainerTarget } from './container-config.js';
import { buildAgentImage, type ImageRecipe } from './image.js';
import { removeContainerLeftovers, removePrefixContainers, type ContainerLeftoverReport } from './leftovers.js';
import { startToolbox, type StartedToolbox } from './toolbox.js';

/** See module doc. */
export interface ContainerEngine {
  /** Starts an agent container; returns at once (its `ready` settles later). */
  startAgent(config: ContainerConfig, name: AgentName, deadlineMs: number): StartedAgent;
  /** Starts a toolbox for `target`; resolves when it runs. */
  startToolbox(config: ContainerConfig, target: ContainerTarget): Promise<StartedToolbox>;
  /** Builds (and keeps) an agent image. */
  buildImage(tag: string, recipe: ImageRecipe): Promise<void>;
  /** Removes every container labelled with `prefix`; returns their names. */
  removePrefixContainers(prefix: string): Promise<string[]>;
  /** Removes the containers of runs whose owner is gone. */
  removeLeftovers(liveOwner: (prefix: string) => number | null): Promise<ContainerLeftoverReport>;
}

/** The engine on testcontainers. */
export const testcontainersEngine: ContainerEngine = {
  startAgent: startAgentContainer,
  startToolbox: (config, target) => startToolbox(config, target),
  buildImage: buildAgentImage,
  removePrefixContainers,
  removeLeftovers: removeContainerLeftovers,
};
