/**
 * The one way into the container engine: testcontainers' client (it finds the engine from
 * DOCKER_HOST, ~/.testcontainers.properties or the default socket, and caches it per
 * process). The first call also decides whether Ryuk runs (ryuk.ts) before any container
 * exists. Nothing here creates a resource.
 */
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { clientProbe, configureRyuk, type RyukDecision } from './ryuk.js';

/** The engine client alone (listing, removing): no Ryuk decision, no pull. */
export async function engineClient(): Promise<ContainerRuntimeClient> {
  try {
    return await getContainerRuntimeClient();
  } catch (error) {
    throw new Error(`failed to reach a container engine: ${(error as Error).message}`, { cause: error });
  }
}

let ready: Promise<{ client: ContainerRuntimeClient; ryuk: RyukDecision }> | null = null;

/** The client for starting containers and building images, with Ryuk decided (memoised; a failure is not cached, so a later call retries). */
export function containerRuntime(): Promise<{ client: ContainerRuntimeClient; ryuk: RyukDecision }> {
  ready ??= (async () => {
    const client = await getContainerRuntimeClient();
    const ryuk = await configureRyuk(clientProbe(client));
    return { client, ryuk };
  })().catch((error: unknown) => {
    ready = null;
    throw new Error(`failed to reach a container engine: ${(error as Error).message}`, { cause: error });
  });
  return ready;
}

/** Whether an engine answers (for cleanup and doctor); never throws. */
export async function containerEngineReachable(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
