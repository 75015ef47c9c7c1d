#!/usr/bin/env node
// The build check of `npm run reproduce`: runs `tsc -p tsconfig.json` only when a compiled input
// (harness/**/*.ts outside tests, tsconfig.json, package-lock.json) is newer than the last build
// (dist/.tsbuildinfo), or dist/ is missing. A no-change `tsc` still reads and checks every file
// (25 s measured here at load average 16); this check is a directory walk.
// `--explain` prints why it builds (or not).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.tsbuildinfo');
const explain = process.argv.includes('--explain');

/** The newest compiled input and its mtime. */
function newestInput() {
  let newest = { file: null, mtimeMs: 0 };
  const consider = (file) => {
    const m = statSync(file).mtimeMs;
    if (m > newest.mtimeMs) newest = { file, mtimeMs: m };
  };
  for (const e of readdirSync(join(root, 'harness'), { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) consider(join(e.parentPath, e.name));
  }
  for (const f of ['tsconfig.json', 'package-lock.json']) if (existsSync(join(root, f))) consider(join(root, f));
  return newest;
}

const built = existsSync(stamp) && existsSync(join(root, 'dist', 'harness', 'cli', 'entry.js')) ? statSync(stamp).mtimeMs : 0;
const newest = newestInput();
if (built >= newest.mtimeMs) {
  if (explain) process.stderr.write(`build: up to date (dist/.tsbuildinfo is newer than ${newest.file})\n`);
} else {
  if (explain) process.stderr.write(`build: ${built ? `${newest.file} changed` : 'not built yet'}: tsc -p tsconfig.json\n`);
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  // tsc leaves its build info untouched when no output changed: mark the check's own time.
  const now = new Date();
  utimesSync(stamp, now, now);
}
