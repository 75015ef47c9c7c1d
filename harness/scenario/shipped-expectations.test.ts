/**
 * The expectations files this project ships: they load, every scenario they name loads, and the
 * IPVS variant set (other ports, sizes and rates) expects for each file exactly what the
 * built-in scenario of the same Service path expects on the same kernel: the verdict follows
 * the path, not the numbers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../repo-root.js';
import { expectedScenarios, loadExpectations, selectExpectation } from './expectations.js';
import { loadScenarios, refFromExpectations } from './load.js';
import type { Scenario } from './schema.js';

const BUILTIN_DIR = join(REPO_ROOT, 'scenarios');
const VARIANTS = join(BUILTIN_DIR, 'variants', 'expectations.yaml');

const pathOf = (s: Scenario): string => {
  const t = s.topology;
  return JSON.stringify([t.client, t.service, t.hairpin, t.masquerade, t.dropInvalid, s.fault.kind, s.fault.kind === 'inject' ? s.fault.offset : '']);
};

async function scenariosOf(file: string): Promise<Map<string, Scenario>> {
  const refs = expectedScenarios(await loadExpectations(file));
  const loaded = await loadScenarios(refs.map((r) => refFromExpectations(r, file)), { builtinDir: BUILTIN_DIR });
  return new Map(refs.map((r, i) => [r, loaded[i]!]));
}

describe('shipped expectations', () => {
  it('the built-in file and the variant set load with every scenario they name', async () => {
    expect((await scenariosOf(join(BUILTIN_DIR, 'expectations.yaml'))).size).toBeGreaterThanOrEqual(11);
    expect((await scenariosOf(VARIANTS)).size).toBe(6);
  });

  it('each IPVS variant expects what the built-in of its path expects on the same kernel', async () => {
    const builtinList = await loadExpectations(join(BUILTIN_DIR, 'expectations.yaml'));
    const builtins = [...(await scenariosOf(join(BUILTIN_DIR, 'expectations.yaml'))).values()];
    const variants = await scenariosOf(VARIANTS);
    const rows = (await loadExpectations(VARIANTS)).filter((e) => e.proxyMode === 'ipvs');
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) {
      const variant = variants.get(row.scenario)!;
      const twin = builtins.find((b) => pathOf(b) === pathOf(variant));
      expect(twin, `no built-in on the path of ${row.scenario}`).toBeDefined();
      const kernel = row.kernel!.replace(/^=/, '') + '.0';
      const builtinRow = selectExpectation(builtinList, twin!.name, { kernel, proxyMode: 'ipvs', driver: 'vm' });
      expect([row.scenario, builtinRow?.expect]).toEqual([row.scenario, row.expect]);
      // ...and the numbers really differ from the built-in's.
      expect([variant.topology.servicePort, variant.topology.serverPort, variant.load.responseBytes]).not.toEqual([twin!.topology.servicePort, twin!.topology.serverPort, twin!.load.responseBytes]);
    }
  });
});
