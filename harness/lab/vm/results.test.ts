import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunReport } from '../../report/schema.js';
import { validateScenario } from '../../scenario/schema.js';
import { planCells } from './cells.js';
import { failedCellReport, readCellReport, withVmFacts, type BootFacts } from './results.js';
import { tempDir } from '../../../test/helpers/temp-dir.js';

const r = validateScenario({ name: 'over-window' }, 'x', 'built-in:over-window');
if (!r.ok) throw new Error('bad scenario');
const [cell] = planCells([r.scenario], { asWritten: false, durationGiven: false, modesOf: () => ['iptables'] });
const facts: BootFacts = { kernelRelease: '5.10.0-46-amd64', kernelSource: { kind: 'debian', package: 'linux-image-5.10.0-46-amd64', version: '5.10.262-1', suite: 'bullseye-security', sha256: 'x' }, accel: 'tcg', accelReason: 'asked for tcg', qemuVersion: '7.2.22', memoryMiB: 3072, cpus: 2, bootSec: 33.6, timeScale: 48.1 };

describe('results from the guest', () => {
  it('a cell that produced no report becomes a valid inconclusive report saying why', () => {
    const report = failedCellReport(cell!, facts, 'the guest stopped before this scenario finished.');
    expect(RunReport.safeParse(report).success).toBe(true);
    expect(report.verdict.outcome).toBe('inconclusive');
    expect(report.environment).toMatchObject({ driver: 'vm', kernel: '5.10.0-46-amd64', proxyMode: 'iptables', vm: { accel: 'tcg', pinnedProxyMode: 'iptables' } });
    expect(report.arms.map((a) => a.name)).toEqual(['liberal=0', 'liberal=1']);
    expect(report.scenario.source).toBe('built-in:over-window');
  });
  it('a guest report gets the vm facts, the original source and a note about the lighter load', () => {
    const guest = { ...failedCellReport(cell!, facts, 'x'), environment: { ...failedCellReport(cell!, facts, 'x').environment, driver: 'netns', vm: undefined }, scenario: { name: 'over-window', source: '/rl-out/cells/0.yaml' } } as RunReport;
    const out = withVmFacts(guest, cell!, facts);
    expect(out.environment.driver).toBe('vm');
    expect(out.environment.vm?.loadAdjusted).toEqual(cell!.adjusted);
    expect(out.scenario.source).toBe('built-in:over-window');
    expect(out.notes[0]).toMatch(/^vm driver: lighter load for software emulation: load.connections 50 -> 10/);
    // kind hosted in the guest keeps its name; the vm facts say where it ran.
    expect(withVmFacts({ ...guest, environment: { ...guest.environment, driver: 'kind' } }, cell!, facts, 'kind').environment).toMatchObject({ driver: 'kind', vm: { accel: 'tcg' } });
    expect(failedCellReport(cell!, facts, 'x', 'kind').environment.driver).toBe('kind');
  });
  it('reads cells/<i>.json and says what is wrong with it', () => {
    const dir = tempDir('rl-vmout-');
    mkdirSync(join(dir, 'cells'));
    expect(readCellReport(dir, cell!).problem).toBe('no report came back from the guest');
    writeFileSync(join(dir, 'cells', '0.json'), '');
    expect(readCellReport(dir, cell!).problem).toBe('the guest run printed no report');
    writeFileSync(join(dir, 'cells', '0.json'), '{"schema":"x"}');
    expect(readCellReport(dir, cell!).problem).toMatch(/does not match resetlab\/run@1/);
    writeFileSync(join(dir, 'cells', '0.json'), JSON.stringify(failedCellReport(cell!, facts, 'x')));
    expect(readCellReport(dir, cell!).report?.verdict.outcome).toBe('inconclusive');
  });
});
