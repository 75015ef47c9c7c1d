/**
 * Shared helpers for integration tests: whether this machine can build a lab (root), the
 * built-in scenario loader with a short duration, and the list of this project's namespaces.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { ExecaRunner } from '../../harness/exec/runner.js';
import { listRunNamespaces, removeLeftovers } from '../../harness/lab/netns/cleanup.js';
import { liveOwner } from '../../harness/lab/owner.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import type { Scenario } from '../../harness/scenario/schema.js';
import { BUILTIN_DIR } from '../../harness/cli/paths.js';

/** True when running as root (integration tests need network namespaces). */
export const IS_ROOT = process.getuid?.() === 0;
/** Why integration tests are skipped here, for the skip message. */
export const SKIP_REASON = 'integration tests need root (network namespaces, iptables, raw sockets)';

export const runner = new ExecaRunner();

/** Loads built-in scenarios with a shorter load duration. */
export async function builtin(names: string[], durationMs = 5000): Promise<Scenario[]> {
  return loadScenarios(names, { builtinDir: BUILTIN_DIR, overrides: { durationMs } });
}

/**
 * resetlab namespaces on the machine that no live process owns: what a finished or killed
 * run left behind. (Namespaces of a run still going in another shell are not leftovers.)
 */
export async function ourNamespaces(): Promise<string[]> {
  return [...(await listRunNamespaces(runner)).entries()]
    .filter(([prefix]) => liveOwner(prefix) === null)
    .flatMap(([, names]) => names);
}

/** Removes leftovers of dead runs (before and after each test file). */
export async function cleanSlate(): Promise<void> {
  await removeLeftovers(runner);
}

/**
 * For a describe block of integration tests: removes leftovers before, and afterwards asserts
 * that the block left no namespace of ours beyond those present before it, then removes
 * leftovers again. Returns a getter of the namespaces present before the block.
 */
export function useNoLeftoverNamespaces(): () => string[] {
  let before: string[] = [];
  beforeAll(async () => {
    await cleanSlate();
    before = await ourNamespaces();
  });
  afterAll(async () => {
    expect(await ourNamespaces()).toEqual(before);
    await cleanSlate();
  });
  return () => before;
}

/**
 * For a describe block of integration tests: removes leftovers before and after, and gives
 * the block a scratch results directory (prefix rl-test-) removed afterwards. Returns a getter.
 */
export function useLabScratch(): () => string {
  let out = '';
  beforeAll(async () => {
    await cleanSlate();
    out = await mkdtemp(join(tmpdir(), 'rl-test-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
    await cleanSlate();
  });
  return () => out;
}
