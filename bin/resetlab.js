#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm install` via `prepare`, or `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const main = new URL('../dist/harness/cli/entry.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('resetlab: not built yet; run `npm install` (or `npm run build`) first\n');
  process.exit(1);
}
await import(main.href);
