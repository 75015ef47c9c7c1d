/**
 * Building resetlab's agent image through testcontainers (`GenericContainer.fromDockerfile`),
 * from a context staged in a temporary folder that holds only what the image needs (the
 * folder is removed after the build, also on failure). Two recipes: docker/Dockerfile
 * (node:20-slim; needs a registry) and the registry-free local image (local-image.ts). The
 * image is kept (`deleteOnExit: false`): the kind driver loads it into the cluster and
 * reuses it; whoever builds a throwaway tag removes it (`removeImage`).
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenericContainer } from 'testcontainers';
import { REPO_ROOT } from '../repo-root.js';
import { stageLocalImage } from './local-image.js';
import { containerRuntime, engineClient } from './runtime.js';

/** Which recipe. */
export type ImageRecipe = 'dockerfile' | 'local';

/** Stages docker/Dockerfile's context (package*.json, dist/) into `dir`. */
function stageDockerfile(dir: string): void {
  copyFileSync(join(REPO_ROOT, 'docker', 'Dockerfile'), join(dir, 'Dockerfile'));
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(REPO_ROOT, f), join(dir, f));
  mkdirSync(join(dir, 'dist'));
  cpSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.tsbuildinfo') });
}

/** Builds `tag` from `recipe` (see module doc); throws "failed to build ..." with the cause. */
export async function buildAgentImage(tag: string, recipe: ImageRecipe): Promise<void> {
  await containerRuntime();
  const dir = mkdtempSync(join(tmpdir(), 'resetlab-image-'));
  try {
    if (recipe === 'local') stageLocalImage(dir);
    else stageDockerfile(dir);
    await GenericContainer.fromDockerfile(dir, 'Dockerfile').build(tag, { deleteOnExit: false });
  } catch (error) {
    // testcontainers does not keep the build's own output: DEBUG=testcontainers:build prints it.
    throw new Error(
      `failed to build the agent image ${tag} (${recipe === 'local' ? 'local, from scratch' : 'docker/Dockerfile'}): ${(error as Error).message} (DEBUG=testcontainers:build shows the build log)`,
      { cause: error },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Removes an image (missing is fine), through testcontainers' engine client. */
export async function removeImage(tag: string): Promise<void> {
  const client = await engineClient();
  try {
    await client.container.dockerode.getImage(tag).remove({ force: true });
  } catch (error) {
    if (!/no such image|404/i.test(String((error as Error).message))) throw error;
  }
}
