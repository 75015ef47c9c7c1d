/**
 * Test helper: the evidence of a captured real boot (test/fixtures/node-prove/<name>),
 * parsed. Only tests import this.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { parseEvidence, type BootEvidence, type EvidenceFiles } from '../../harness/node/prove/evidence.js';
import type { InitSystem } from '../../harness/node/prove/guest-collector.js';

/** The files of a fixture folder, with `done` added (the capture dropped it). */
export function fixtureFiles(name: string): EvidenceFiles {
  const dir = join(REPO_ROOT, 'test/fixtures/node-prove', name);
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir)) files[f] = readFileSync(join(dir, f), 'utf8');
  return { ...files, done: 'done\n' } as EvidenceFiles;
}

/** The parsed evidence of a fixture folder. */
export function fixtureEvidence(name: string, init: InitSystem = 'systemd'): BootEvidence {
  return parseEvidence(fixtureFiles(name), init);
}
