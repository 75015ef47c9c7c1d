/**
 * Every row of the expectations file on this machine, through the real CLI: `resetlab check`
 * runs every built-in scenario (short load), each verdict must match, JUnit is written, the
 * host namespace is unchanged afterwards, and a wrong expectation exits 3.
 */
import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { diffHost, snapshotHost } from '../helpers/host-state.js';
import { useLabScratch, IS_ROOT, ourNamespaces, SKIP_REASON } from '../helpers/lab-env.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');

describe.skipIf(!IS_ROOT)(`resetlab check${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  const scratch = useLabScratch();

  it('every built-in scenario gives its expected verdict, and the host is untouched', async () => {
    const host = await snapshotHost();
    const junit = join(scratch(), 'check.xml');
    const r = await execa('node', [bin, 'check', '--duration', '4s', '--json', '--junit', junit, '--out', scratch()], { reject: false });
    const doc = JSON.parse(r.stdout);
    const failed = doc.cases.filter((c: { pass: boolean }) => !c.pass);
    expect(failed, JSON.stringify(failed) + r.stderr.slice(-2000)).toEqual([]);
    // Every scenario on every proxy mode its rows name for this kernel (the netns driver builds
    // iptables and nftables here; IPVS rows are for kernels with ip_vs, i.e. the vm driver).
    expect(doc.cases.map((c: { scenario: string }) => c.scenario).sort()).toEqual([
      'below-window [iptables]', 'conntrack-flush [iptables]', 'delayed-duplicates [iptables]', 'none [iptables]',
      'over-window [iptables]', 'over-window [nftables]', 'over-window-drop-invalid [iptables]',
      'over-window-external [iptables]', 'over-window-external [nftables]', 'over-window-hairpin [iptables]',
      'over-window-hairpin [nftables]', 'over-window-masquerade [iptables]', 'over-window-masquerade [nftables]',
      'over-window-node-client [iptables]', 'over-window-node-client [nftables]', 'over-window-nodeport [iptables]',
      'over-window-nodeport [nftables]',
    ]);
    expect(r.exitCode).toBe(0);
    const byName = Object.fromEntries(doc.runs.map((run: { scenario: { name: string } }) => [run.scenario.name, run]));
    // The evidence each row rests on, not only the outcome.
    expect(byName['over-window-drop-invalid'].arms[0].evidence.invalidDropped).toBeGreaterThan(0);
    expect(byName['below-window'].arms[0].evidence.injectedNatted).toBeGreaterThan(0);
    expect(byName['below-window'].verdict.explanation).toMatch(/6\.1/);
    expect(byName['delayed-duplicates'].arms[0].trials[0].faultDetails.copiesArrived).toBeGreaterThan(0);
    expect(byName['conntrack-flush'].arms[1].resets).toBeGreaterThan(0);
    expect(byName['over-window-masquerade'].arms[0].evidence.leakedUnNatted).toBeGreaterThan(0);
    const xml = await readFile(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(17);
    expect(xml).not.toMatch(/<failure/);
    expect(diffHost(host, await snapshotHost())).toEqual({});
    expect(await ourNamespaces()).toEqual([]);
  });

  it("gates a user's own scenario file, named by a path relative to the expectations file", async () => {
    const dir = scratch();
    // Other ports, size and rate than the built-ins: the path (masqueradeAll) decides the verdict.
    await writeFile(join(dir, 'mine.yaml'), [
      'name: my-masq-443',
      'topology: { masquerade: true, servicePort: 443, serverPort: 9000 }',
      'load: { connections: 20, responseBytes: 4096 }',
      'fault: { kind: inject, offset: above-window, ratePerSecond: 30 }',
      '',
    ].join('\n'));
    await writeFile(join(dir, 'mine-expect.yaml'), 'expectations:\n  - { scenario: ./mine.yaml, proxyMode: iptables, expect: reproduced }\n');
    const r = await execa('node', [bin, 'check', '--expect', join(dir, 'mine-expect.yaml'), '--duration', '4s', '--json', '--out', dir], { reject: false, cwd: '/' });
    const doc = JSON.parse(r.stdout);
    expect(doc.cases, r.stderr.slice(-2000)).toMatchObject([{ scenario: 'my-masq-443', expected: 'reproduced', got: 'reproduced', pass: true }]);
    expect(doc.runs[0].scenario.topology).toMatchObject({ servicePort: 443, serverPort: 9000 });
    expect(r.exitCode).toBe(0);
  });

  it('a wrong expectation fails the gate with exit 3 and a JUnit failure carrying the explanation', async () => {
    const file = join(scratch(), 'wrong.yaml');
    await writeFile(file, 'expectations:\n  - { scenario: none, expect: reproduced }\n');
    const junit = join(scratch(), 'wrong.xml');
    const r = await execa('node', [bin, 'check', '--expect', file, '--duration', '2s', '--junit', junit, '--out', scratch()], { reject: false });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/FAIL\s+none\s+expected reproduced, got not-reproduced/);
    expect(await readFile(junit, 'utf8')).toMatch(/<failure[^>]*message="[^"]*Not reproduced/);
  });

  it('an expectations file with mistakes exits 2 before anything runs', async () => {
    const file = join(scratch(), 'bad.yaml');
    await writeFile(file, 'expectations:\n  - { scenario: none, expect: maybe, kernel: "newest" }\n');
    const r = await execa('node', [bin, 'check', '--expect', file], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${file}: expectations[0].expect:`);
    expect(r.stderr).toContain(`${file}: expectations[0].kernel:`);
  });
});
