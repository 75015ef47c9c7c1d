import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../repo-root.js';
import { applyFix, DEFAULT_SYSCTL_FILE, nodeRootProblems, stageNodeConfig } from './node-config.js';
import { conntrackKind, kernelNotes } from './prove.js';
import { tempDir } from '../../../test/helpers/temp-dir.js';

const NODES = join(REPO_ROOT, 'test/fixtures/nodes');

function fakeRootfs(): string {
  const r = tempDir('rl-rootfs-');
  mkdirSync(join(r, 'etc/sysctl.d'), { recursive: true });
  mkdirSync(join(r, 'etc/modules-load.d'), { recursive: true });
  writeFileSync(join(r, 'etc/sysctl.conf'), '#kernel.x = 1\n');
  symlinkSync('../sysctl.conf', join(r, 'etc/sysctl.d/99-sysctl.conf'));
  symlinkSync('../modules', join(r, 'etc/modules-load.d/modules.conf'));
  writeFileSync(join(r, 'etc/modules'), '# /etc/modules\n');
  return r;
}

describe('nodeRootProblems', () => {
  it('accepts a node root with any of the four paths', () => {
    expect(nodeRootProblems(join(NODES, 'late-module'))).toEqual([]);
  });
  it('names --root when it is missing, not a directory, or holds none of them', () => {
    expect(nodeRootProblems('/nonexistent/x')[0]).toMatchObject({ file: 'flags', field: '--root', message: '/nonexistent/x is not a directory' });
    expect(nodeRootProblems(tempDir('rl-empty-'))[0]!.message).toMatch(/has none of \/etc\/sysctl.d/);
  });
});

describe('stageNodeConfig', () => {
  it('default: the stock files of the rootfs (symlinks verbatim) plus the one sysctl.d line', async () => {
    const dest = tempDir('rl-stage-');
    const paths = await stageNodeConfig(dest, { kind: 'default' }, fakeRootfs());
    expect(paths).toEqual(['/etc/sysctl.d', '/etc/sysctl.conf', '/etc/modules-load.d', '/etc/modules']);
    expect(readlinkSync(join(dest, 'etc/sysctl.d/99-sysctl.conf'))).toBe('../sysctl.conf');
    expect(readFileSync(join(dest, DEFAULT_SYSCTL_FILE.path), 'utf8')).toBe('net.netfilter.nf_conntrack_tcp_be_liberal = 1\n');
  });
  it('--root: only what the node has, nothing added', async () => {
    const dest = tempDir('rl-stage-');
    const paths = await stageNodeConfig(dest, { kind: 'root', dir: join(NODES, 'late-module') }, fakeRootfs());
    expect(paths).toEqual(['/etc/sysctl.d', '/etc/sysctl.conf', '/etc/modules-load.d']);
    expect(existsSync(join(dest, 'etc/sysctl.d/90-liberal.conf'))).toBe(true);
    expect(existsSync(join(dest, DEFAULT_SYSCTL_FILE.path))).toBe(false);
  });
});

describe('applyFix', () => {
  it('writes both persist files into a copy and leaves the original alone', async () => {
    const from = tempDir('rl-stage-');
    await stageNodeConfig(from, { kind: 'default' }, fakeRootfs());
    const to = join(tempDir('rl-fixed-'), 'node');
    const { lines, warnings } = await applyFix(from, to);
    expect(lines).toEqual(['wrote: /etc/sysctl.d/90-resetlab-conntrack.conf', 'wrote: /etc/modules-load.d/90-resetlab-conntrack.conf']);
    expect(warnings).toEqual([]);
    expect(readFileSync(join(to, 'etc/modules-load.d/90-resetlab-conntrack.conf'), 'utf8')).toMatch(/^nf_conntrack$/m);
    expect(existsSync(join(from, 'etc/modules-load.d/90-resetlab-conntrack.conf'))).toBe(false);
    expect(lstatSync(join(to, 'etc/sysctl.d/99-sysctl.conf')).isSymbolicLink()).toBe(true);
  });
  it('refuses (exit 2) when the node has a different file of the same name, writing nothing', async () => {
    const from = tempDir('rl-stage-');
    mkdirSync(join(from, 'etc/modules-load.d'), { recursive: true });
    writeFileSync(join(from, 'etc/modules-load.d/90-resetlab-conntrack.conf'), '# mine\n');
    const to = join(tempDir('rl-fixed-'), 'node');
    await expect(applyFix(from, to)).rejects.toMatchObject({ exitCode: 2 });
    expect(existsSync(join(to, 'etc/sysctl.d/90-resetlab-conntrack.conf'))).toBe(false);
  });
  it("passes persist's warning on when a later file sets 0", async () => {
    const from = tempDir('rl-stage-');
    await stageNodeConfig(from, { kind: 'root', dir: join(NODES, 'overridden') }, fakeRootfs());
    const { warnings } = await applyFix(from, join(tempDir('rl-fixed-'), 'node'));
    expect(warnings.join('\n')).toMatch(/99-other.conf/);
  });
});

describe('conntrackKind', () => {
  it('module, built in, or absent, from modules.dep / modules.builtin', () => {
    const d = tempDir('rl-mods-');
    expect(conntrackKind(d)).toBe('absent');
    writeFileSync(join(d, 'modules.dep'), 'kernel/net/netfilter/nf_conntrack.ko: kernel/lib/libcrc32c.ko\n');
    expect(conntrackKind(d)).toBe('module');
    writeFileSync(join(d, 'modules.builtin'), 'kernel/net/netfilter/nf_conntrack.ko\n');
    expect(conntrackKind(d)).toBe('built-in');
    expect(kernelNotes('built-in', 'x')[0]).toMatch(/cannot occur/);
    expect(kernelNotes('module', 'x')[0]).toMatch(/Debian ships none/);
  });
});
