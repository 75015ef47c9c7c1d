/**
 * `ContainerEngine`: everything resetlab does with containers, as one narrow interface, so
 * drivers (the kind driver) never build engine commands themselves and their tests can use
 * `FakeContainerEngine`. The real one is testcontainers (`testcontainersEngine`), loaded on
 * first use so commands that start no container do not pay for importing it. Who starts a
 * container registers its stop at birth; `removePrefixContainers` is the label sweep.
 */
import type { AgentName, StartedAgent } from '../exec/agent-process.js';
import type { ContainerConfig, ContainerTarget } from './container-config.js';
import type { ImageRecipe } from './image.js';
import type { ContainerLeftoverReport } from './leftovers.js';
import type { StartedToolbox } from './toolbox.js';

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

/** A `StartedAgent` whose real handle arrives later (after a lazy import). */
export function deferredAgent(name: AgentName, handle: Promise<StartedAgent>): StartedAgent {
  const failed = (error: unknown) => ({ result: null, killedAtDeadline: false, stderr: String((error as Error).message) });
  const ready = handle.then((a) => a.ready);
  ready.catch(() => undefined);
  return {
    name,
    ready,
    finished: handle.then((a) => a.finished, failed),
    onTick: (l) => void handle.then((a) => a.onTick(l), () => undefined),
    onCount: (l) => void handle.then((a) => a.onCount(l), () => undefined),
    stop: (graceMs) => handle.then((a) => a.stop(graceMs), failed),
    kill: () => handle.then((a) => a.kill(), () => undefined),
  };
}

/** The engine on testcontainers (see module doc). */
export const testcontainersEngine: ContainerEngine = {
  startAgent: (config, name, deadlineMs) =>
    deferredAgent(name, import('./agent-container.js').then((m) => m.startAgentContainer(config, name, deadlineMs))),
  startToolbox: async (config, target) => (await import('./toolbox.js')).startToolbox(config, target),
  buildImage: async (tag, recipe) => (await import('./image.js')).buildAgentImage(tag, recipe),
  removePrefixContainers: async (prefix) => (await import('./leftovers.js')).removePrefixContainers(prefix),
  removeLeftovers: async (liveOwner) => (await import('./leftovers.js')).removeContainerLeftovers(liveOwner),
};
