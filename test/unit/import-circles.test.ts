/** No import circles in harness/ (test/helpers/import-graph.ts), and the checker finds one when there is one. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { importCycles, importGraph, importsOf, sourceFiles } from '../helpers/import-graph.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('import circles', () => {
  it('harness/ has none', () => {
    const files = sourceFiles(join(REPO_ROOT, 'harness'));
    expect(files.length).toBeGreaterThan(200);
    expect(importCycles(importGraph(files), REPO_ROOT)).toEqual([]);
  });

  it("no driver's driver.ts imports another driver's driver.ts (shared pieces live outside the drivers)", () => {
    const graph = importGraph(sourceFiles(join(REPO_ROOT, 'harness')));
    const driverFile = /\/harness\/lab\/([^/]+)\/driver\.ts$/;
    const crossings: string[] = [];
    for (const [file, imports] of graph) {
      const from = driverFile.exec(file)?.[1];
      if (!from) continue;
      for (const imported of imports) {
        const to = driverFile.exec(imported)?.[1];
        if (to && to !== from) crossings.push(`${from} -> ${to}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it('reads static, type-only, re-export and dynamic imports', () => {
    const text = "import type { A } from './a.js';\nimport { b } from '../b.js';\nexport { c } from './c/index.js';\nconst d = await import('./d.js');\nimport 'node:fs';\nimport './side.js';";
    expect(importsOf('/x/y/f.ts', text)).toEqual(['/x/y/a.ts', '/x/b.ts', '/x/y/c/index.ts', '/x/y/d.ts', '/x/y/side.ts']);
  });

  it('finds a circle of three files, type-only imports included', () => {
    const dir = tempDir('circles');
    mkdirSync(join(dir, 'lab'));
    writeFileSync(join(dir, 'lab/lab.ts'), "import type { R } from './rps.js';\nexport type Role = 'a';");
    writeFileSync(join(dir, 'lab/rps.ts'), "import { x } from '../x.js';\nexport type R = 1;");
    writeFileSync(join(dir, 'x.ts'), "import type { Role } from './lab/lab.js';\nexport const x = 1;");
    writeFileSync(join(dir, 'free.ts'), "import { x } from './x.js';");
    expect(importCycles(importGraph(sourceFiles(dir)), dir)).toEqual([['lab/lab.ts', 'lab/rps.ts', 'x.ts']]);
  });
});
