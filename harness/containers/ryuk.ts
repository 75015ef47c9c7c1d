/**
 * Whether testcontainers' reaper (Ryuk) runs. Ryuk is a container that removes every
 * container of a session once the session's process is gone, so a SIGKILLed resetlab leaves
 * nothing behind. It needs its image: where the image is present or can be pulled, Ryuk is
 * on; where it cannot (no registry), resetlab sets `TESTCONTAINERS_RYUK_DISABLED=true` and
 * the label-based `resetlab cleanup` removes what killed runs left (containers/leftovers.ts).
 * A value the user set for `TESTCONTAINERS_RYUK_DISABLED` is always respected.
 */
import type { ContainerRuntimeClient } from 'testcontainers';
import { ImageName } from 'testcontainers';

/** The Ryuk image testcontainers 12.0.1 starts (it honours RYUK_CONTAINER_IMAGE too). */
export function ryukImage(env: NodeJS.ProcessEnv = process.env): string {
  return env.RYUK_CONTAINER_IMAGE ?? 'testcontainers/ryuk:0.14.0';
}

/** The decision and why. */
export interface RyukDecision {
  enabled: boolean;
  reason: string;
}

/** What the environment decides alone, or null when the engine must be asked. Pure. */
export function ryukFromEnv(env: NodeJS.ProcessEnv): RyukDecision | null {
  const v = env.TESTCONTAINERS_RYUK_DISABLED;
  if (v === 'true') return { enabled: false, reason: 'TESTCONTAINERS_RYUK_DISABLED=true was set; `resetlab cleanup` removes containers of killed runs' };
  if (v === 'false') return { enabled: true, reason: 'TESTCONTAINERS_RYUK_DISABLED=false was set' };
  return null;
}

/** The decision from what the engine said about the Ryuk image. Pure. */
export function ryukFromImage(image: string, present: boolean, pullError: string | null): RyukDecision {
  if (present) return { enabled: true, reason: `${image} is present` };
  if (pullError === null) return { enabled: true, reason: `${image} was pulled` };
  return {
    enabled: false,
    reason: `${image} cannot be pulled (${pullError}); Ryuk is off, and \`resetlab cleanup\` removes containers of killed runs by label`,
  };
}

/** The engine calls the decision needs (a fake in tests). */
export interface RyukProbe {
  exists(image: string): Promise<boolean>;
  pull(image: string): Promise<void>;
}

/** The probe on testcontainers' own client. */
export function clientProbe(client: ContainerRuntimeClient): RyukProbe {
  return {
    exists: (image) => client.image.exists(ImageName.fromString(image)),
    pull: (image) => client.image.pull(ImageName.fromString(image)),
  };
}

/**
 * Decides (env first, then image present, then one pull bounded by `pullTimeoutMs`) and, when
 * Ryuk must be off, sets `TESTCONTAINERS_RYUK_DISABLED=true` in `env` before testcontainers
 * reads it (its first container start). Never throws.
 */
export async function configureRyuk(probe: RyukProbe, env: NodeJS.ProcessEnv = process.env, pullTimeoutMs = 60_000): Promise<RyukDecision> {
  const fromEnv = ryukFromEnv(env);
  if (fromEnv) return fromEnv;
  const image = ryukImage(env);
  let present = false;
  let pullError: string | null = null;
  try {
    present = await probe.exists(image);
    if (!present) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer after ${pullTimeoutMs} ms`)), pullTimeoutMs);
      });
      await Promise.race([probe.pull(image), timeout]).finally(() => clearTimeout(timer));
    }
  } catch (error) {
    pullError = String((error as Error).message ?? error).split('\n')[0]!.slice(0, 200);
  }
  const decision = ryukFromImage(image, present, pullError);
  if (!decision.enabled) env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  return decision;
}
