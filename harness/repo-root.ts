/**
 * The package root, whether this code runs compiled (`dist/harness/...js`) or from source
 * under vitest (`harness/...ts`). Agents always run compiled, from `dist/`.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** Absolute path of the package root (holds package.json). */
export const REPO_ROOT = here.endsWith('.ts') ? resolve(dirname(here), '..') : resolve(dirname(here), '..', '..');

/** Absolute path of a compiled agent module. */
export function agentModule(name: string): string {
  return join(REPO_ROOT, 'dist', 'harness', 'agents', `${name}.js`);
}
