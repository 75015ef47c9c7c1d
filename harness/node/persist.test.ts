import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkNode } from './check.js';
import { gatherFacts } from './gather.js';
import { LocalNodeFs } from './local-node-fs.js';
import { applyTargets, inspectTargets, RefusedError } from './persist-apply.js';
import { parsePersistName, persistFiles, previewPersist, suggestName } from './persist.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/nodes/${name}`, import.meta.url));
const KEY = 'net.netfilter.nf_conntrack_tcp_be_liberal';

const roots: string[] = [];
/** A private copy of a fixture root under the temp directory (never the real /etc). */
async function tempRoot(from: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'rl-test-'));
  roots.push(root);
  await cp(fixture(from), root, { recursive: true, verbatimSymlinks: true });
  return root;
}
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

describe('persist plan', () => {
  it.each([
    ['90-resetlab-conntrack', '90-resetlab-conntrack'],
    ['custom.conf', 'custom'],
  ])('--name %s -> %s', (raw, name) => {
    expect(parsePersistName(raw)).toEqual({ name });
  });

  it.each(['../etc/x', 'a/b', '', '-rf'])('refuses --name %j', (raw) => {
    expect(parsePersistName(raw)).toHaveProperty('problem');
  });

  it('writes the sysctl.d drop-in (key = 1, with why) and the modules-load.d entry', () => {
    const [sysctl, modules] = persistFiles('90-resetlab-conntrack');
    expect(sysctl!.path).toBe('/etc/sysctl.d/90-resetlab-conntrack.conf');
    expect(sysctl!.text).toContain(`\n${KEY} = 1\n`);
    expect(sysctl!.text).toMatch(/^# .*\n# .*INVALID/);
    expect(modules!.path).toBe('/etc/modules-load.d/90-resetlab-conntrack.conf');
    expect(modules!.text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['nf_conntrack']);
  });

  it.each([
    ['99-other.conf', '99-resetlab-conntrack'],
    ['99-zzz.conf', 'zz-resetlab-conntrack'],
    ['zzzzz-last.conf', null],
  ])('suggestName after %s -> %s', (last, expected) => {
    expect(suggestName('90-resetlab-conntrack', last)).toBe(expected);
  });

  it('warns that a later file would override the drop-in, and suggests a name that sorts after it', async () => {
    const { warnings, after } = previewPersist(await gatherFacts(new LocalNodeFs(fixture('overridden'))), '90-resetlab-conntrack');
    expect(warnings).toEqual([
      `/etc/sysctl.d/99-other.conf:3 sets ${KEY} = 0 and is applied after /etc/sysctl.d/90-resetlab-conntrack.conf, so it would override it: ` +
        'remove or change that line, or use --name 99-resetlab-conntrack',
    ]);
    expect(after.verdict.kind).toBe('lost');
    const suggested = previewPersist(await gatherFacts(new LocalNodeFs(fixture('overridden'))), '99-resetlab-conntrack');
    expect(suggested.warnings).toEqual([]);
    expect(suggested.after.verdict.kind).toBe('survives');
  });

  it('says /etc/sysctl.conf cannot be beaten by a name', async () => {
    const facts = await gatherFacts(new LocalNodeFs(fixture('late-module')));
    const { warnings } = previewPersist({ ...facts, sysctlConf: `${KEY} = 0\n` }, '90-resetlab-conntrack');
    expect(warnings[0]).toMatch(/^\/etc\/sysctl.conf:1 sets .* change that line to 1 or remove it/);
  });
});

describe('persist --apply into a temporary root', () => {
  it('writes both files, after which node check says survives', async () => {
    const root = await tempRoot('late-module');
    expect((await checkNode(new LocalNodeFs(root))).verdict.kind).toBe('lost');
    const targets = await inspectTargets(root, persistFiles('90-resetlab-conntrack'));
    expect(targets.map((t) => t.state)).toEqual(['new', 'new']);
    expect(await applyTargets(targets, false)).toEqual([
      `wrote: ${root}/etc/sysctl.d/90-resetlab-conntrack.conf`,
      `wrote: ${root}/etc/modules-load.d/90-resetlab-conntrack.conf`,
    ]);
    const after = await checkNode(new LocalNodeFs(root));
    expect(after.verdict.kind).toBe('survives');
    expect(after.modules.via?.path).toBe('/etc/modules-load.d/90-resetlab-conntrack.conf');
    expect((await readdir(join(root, 'etc/sysctl.d'))).sort()).toEqual(['90-liberal.conf', '90-resetlab-conntrack.conf']); // no temp files left
  });

  it('creates missing directories (mkdir -p)', async () => {
    const root = await tempRoot('no-systemd');
    await applyTargets(await inspectTargets(root, persistFiles('x')), false);
    expect(await readFile(join(root, 'etc/modules-load.d/x.conf'), 'utf8')).toContain('nf_conntrack');
  });

  it('says "already in place" for identical files and writes nothing', async () => {
    const root = await tempRoot('late-module');
    await applyTargets(await inspectTargets(root, persistFiles('n')), false);
    const again = await inspectTargets(root, persistFiles('n'));
    expect(again.map((t) => t.state)).toEqual(['already in place', 'already in place']);
    expect(await applyTargets(again, false)).toEqual([`already in place: ${root}/etc/sysctl.d/n.conf`, `already in place: ${root}/etc/modules-load.d/n.conf`]);
  });

  it('refuses a different existing file (exit 2), shows the difference, writes neither file; --force overwrites', async () => {
    const root = await tempRoot('late-module');
    await writeFile(join(root, 'etc/modules-load.d/n.conf'), 'nf_conntrack\nip_vs\n');
    const targets = await inspectTargets(root, persistFiles('n'));
    expect(targets.map((t) => t.state)).toEqual(['new', 'differs']);
    const error = await applyTargets(targets, false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as RefusedError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/^failed to write .*\/etc\/modules-load.d\/n.conf: it exists with different content \(nothing was written; --force overwrites\)/);
    expect((error as Error).message).toContain('\n- ip_vs');
    expect((error as Error).message).toContain('\n+ # Written by `resetlab node persist`');
    await expect(readFile(join(root, 'etc/sysctl.d/n.conf'))).rejects.toThrow(/ENOENT/);
    const forced = await applyTargets(targets, true);
    expect(forced[1]).toMatch(/^overwrote \(--force\): .*n.conf, which differed:\n/);
    expect(await readFile(join(root, 'etc/modules-load.d/n.conf'), 'utf8')).toBe(persistFiles('n')[1]!.text);
  });
});
