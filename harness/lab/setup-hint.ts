/**
 * The one sentence that tells a user how to get a driver's missing tools: `npm run setup`
 * (scripts/setup-system.js installs every driver's Debian packages as root), and the apt
 * command for those who prefer it. Pure.
 */

/** The command that installs every driver's system packages. */
export const SETUP_COMMAND = 'npm run setup';

/** The apt-get command that installs `packages` (deduplicated, in order). */
export function aptCommand(packages: readonly string[]): string {
  return `apt-get install -y --no-install-recommends ${[...new Set(packages)].join(' ')}`;
}

/** "run `npm run setup` as root (or: apt-get install -y ... X Y)"; empty packages: just the setup command. */
export function setupHint(packages: readonly string[]): string {
  return packages.length === 0 ? `run \`${SETUP_COMMAND}\` as root` : `run \`${SETUP_COMMAND}\` as root (or: \`${aptCommand(packages)}\`)`;
}

/** Whether a driver can run here, and the one command that makes it ready. */
export interface Readiness {
  ready: boolean;
  /** What is missing, one phrase each (empty when ready). */
  missing: string[];
  /** The command (or step) that makes it ready; null when ready. */
  fix: string | null;
}
