/**
 * Bad input at the CLI: every malformed scenario file and flag in the corpus exits 2 with a
 * message naming the file and the field, and creates nothing (no namespace, no owner file).
 */
import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/repo-root.js';
import { readProxyFacts } from '../../harness/lab/netns/proxy-mode.js';
import { IS_ROOT, ourNamespaces, SKIP_REASON } from '../helpers/lab-env.js';

const bin = join(REPO_ROOT, 'bin', 'resetlab.js');
const CORPUS = join(REPO_ROOT, 'test', 'fixtures', 'bad-scenarios');
const cli = (args: string[]) => execa('node', [bin, ...args], { reject: false });

describe.skipIf(!IS_ROOT)(`bad input is refused with exit 2 and nothing created${IS_ROOT ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let tmp: string;
  let before: string[];
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'rl-test-'));
    before = await ourNamespaces();
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it.each(readdirSync(CORPUS).filter((f) => f.endsWith('.yaml')))('%s', async (name) => {
    const file = join(CORPUS, name);
    const expectField = /^# expect: (.*)$/m.exec(await readFile(file, 'utf8'))?.[1]?.trim();
    const r = await cli(['run', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(expectField ? `${file}: ${expectField}: ` : `${file}: `);
    expect(await ourNamespaces()).toEqual(before);
  });

  it.each([
    [['run', 'over-window', '--duration', '-1s'], 'flags: --duration:'],
    [['run', 'over-window', '--duration', '99999s'], 'flags: --duration:'],
    [['run', 'over-window', '--trials', '1e9'], 'flags: --trials:'],
    [['run', 'over-window', '--driver', 'docker-desktop'], 'flags: --driver:'],
    [['run', '/nonexistent/scenario.yaml'], '/nonexistent/scenario.yaml: no such scenario file'],
    [['run', 'no-such-builtin'], 'no-such-builtin: no such scenario file or built-in scenario'],
    [['run', 'over-window', '--bogus-flag'], "unknown option '--bogus-flag'"],
    [['kube-proxy', 'conformance', '--only', 'over-window,nope', '--kube-proxy-mode', 'nftables'], 'flags: --only: not a path of the netns lab: nope'],
    // On a host with ip_vs loaded this would be a real run, not bad input.
    ...(readProxyFacts().ipVsLoaded ? [] : [[['kube-proxy', 'conformance', '--kube-proxy-mode', 'ipvs'], 'IPVS mode needs ip_vs, which resetlab never loads on the host'] as [string[], string]]),
  ])('flags %j', async (args, message) => {
    const r = await cli(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
    expect(await ourNamespaces()).toEqual(before);
  });

  it('a 10 MB file is refused before parsing, naming its size', async () => {
    const file = join(tmp, 'huge.yaml');
    await writeFile(file, 'name: huge\n');
    await truncate(file, 10 * 1024 * 1024);
    const r = await cli(['run', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${file}: file is 10 MiB`);
  });

  it('several bad files and flags are all reported at once', async () => {
    const r = await cli(['run', join(CORPUS, 'unknown-fault.yaml'), join(CORPUS, 'huge-rate.yaml'), '--trials', 'x']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown-fault.yaml: fault.kind:');
    expect(r.stderr).toContain('huge-rate.yaml: fault.ratePerSecond:');
    expect(r.stderr).toContain('flags: --trials:');
  });
});
