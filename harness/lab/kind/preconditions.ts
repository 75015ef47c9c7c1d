/**
 * What the kind driver needs from the machine, checked before anything is created: the
 * `kind` and `kubectl` binaries and a reachable Docker engine (`docker info`; a docker
 * client without an engine is not enough). Read-only.
 */
import { UnsupportedError } from '../../errors.js';
import type { Runner, RunResult } from '../../exec/runner.js';
import type { Readiness } from '../setup-hint.js';

async function probe(runner: Runner, argv: string[]): Promise<RunResult | null> {
  try {
    return await runner.run(argv, { check: false, timeoutMs: 15_000 });
  } catch {
    return null; // not installed (ENOENT) or timed out
  }
}

/** First meaningful line of a command's complaint, for the one-sentence message. */
function firstLine(r: RunResult | null): string {
  const text = `${r?.stderr ?? ''}\n${r?.stdout ?? ''}`
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^Client:|^ (?:Version|Context)/.test(l));
  // Keep one clause: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock".
  return (text ?? '').replace(/^ERROR:\s*/, '').split(/\.\s/)[0]!.replace(/\.$/, '');
}

/**
 * Lists what is missing for `--driver kind`, one phrase each (empty when everything is there).
 * A failing `docker info` is reported with the engine's own first line (e.g. "Cannot connect
 * to the Docker daemon ..."). Never throws.
 */
export async function kindPreconditions(runner: Runner): Promise<string[]> {
  const [kind, kubectl, docker] = await Promise.all([
    probe(runner, ['kind', 'version']),
    probe(runner, ['kubectl', 'version', '--client']),
    probe(runner, ['docker', 'info', '--format', '{{.ServerVersion}}']),
  ]);
  const missing: string[] = [];
  if (kind?.exitCode !== 0) missing.push('the kind binary (install it from https://kind.sigs.k8s.io)');
  if (kubectl?.exitCode !== 0) missing.push('the kubectl binary');
  if (docker === null) missing.push('Docker (the docker command was not found)');
  else if (docker.exitCode !== 0 || docker.stdout.trim() === '') {
    const why = firstLine(docker);
    missing.push(`a Docker engine (\`docker info\` failed${why ? `: ${why}` : ''})`);
  }
  return missing;
}

/**
 * The kind driver's readiness. `npm run setup` does not install Docker or kind (a Docker
 * engine writes host iptables rules; kind is not in Debian stable), so the fix names them.
 */
export function kindReadiness(missing: readonly string[]): Readiness {
  if (missing.length === 0) return { ready: true, missing: [], fix: null };
  return { ready: false, missing: [...missing], fix: 'install a Docker engine (e.g. `apt-get install docker.io`), kind (Debian sid\'s `kind` package, or https://kind.sigs.k8s.io) and kubectl; `npm run setup` does not' };
}

/** Joins phrases as "a, b and c". */
function joinPhrases(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The one-sentence refusal for what is missing. */
export function kindUnsupportedMessage(missing: readonly string[]): string {
  return `the kind driver cannot run on this machine: it needs ${joinPhrases(missing)}.`;
}

/** Throws `UnsupportedError` (exit 2, nothing created) with one sentence naming everything missing. */
export async function assertKindPreconditions(runner: Runner): Promise<void> {
  const missing = await kindPreconditions(runner);
  if (missing.length > 0) throw new UnsupportedError(kindUnsupportedMessage(missing));
}
