import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem, InputError, type InputProblem } from '../errors.js';
import { listBuiltins, loadScenarios, resolveScenarioRef, validateOverrides } from './load.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/scenarios/', import.meta.url));
const BUILTINS = fileURLToPath(new URL('../../scenarios', import.meta.url));
const fx = (name: string) => join(FIXTURES, name);
const BUILTIN_NAMES = 'below-window, conntrack-flush, delayed-duplicates, ipvs-idle-expiry, none, over-window, over-window-drop-invalid, over-window-external, over-window-hairpin, over-window-masquerade, over-window-node-client, over-window-nodeport';
const KINDS = 'expected one of none, inject, delayed-duplicates, conntrack-flush, ipvs-idle-expiry';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'rl-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let counter = 0;
/** Writes `content` to a new file in the test's tmp dir and returns its path. */
async function tmpFile(content: string | Uint8Array, name = `s${++counter}.yaml`): Promise<string> {
  const path = join(tmp, name);
  await writeFile(path, content);
  return path;
}

/** The problems `loadScenarios` throws, as formatted lines; fails if it does not throw InputError. */
async function problemsOf(refs: string[], opts: Parameters<typeof loadScenarios>[1] = { builtinDir: BUILTINS }): Promise<string[]> {
  try {
    await loadScenarios(refs, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems.map(formatProblem);
  }
  throw new Error('expected InputError');
}

describe('resolveScenarioRef', () => {
  it.each<[string, string]>([
    ['over-window', '/b/over-window.yaml'],
    ['none', '/b/none.yaml'],
    ['x.yaml', 'x.yaml'],
    ['x.yml', 'x.yml'],
    ['X.YAML', 'X.YAML'],
    ['./x', './x'],
    ['dir/x.yaml', 'dir/x.yaml'],
    ['/abs/x.yaml', '/abs/x.yaml'],
  ])('%s -> %s', (ref, path) => {
    expect(resolveScenarioRef(ref, '/b')).toBe(path);
  });
});

describe('loadScenarios: valid files', () => {
  it('loads the built-ins with their source', async () => {
    const [ow, none] = await loadScenarios(['over-window', 'none'], { builtinDir: BUILTINS });
    expect(ow).toMatchObject({
      name: 'over-window',
      source: 'built-in:over-window',
      fault: { kind: 'inject', offset: 'above-window', ratePerSecond: 50 },
      load: { connections: 50, durationMs: 10_000 },
      arms: [{ name: 'liberal=0' }, { name: 'liberal=1' }],
    });
    expect(none).toMatchObject({ name: 'none', source: 'built-in:none', fault: { kind: 'none' } });
  });

  it('fills in defaults and keeps what is set', async () => {
    const [minimal, full] = await loadScenarios([fx('minimal.yaml'), fx('full.yaml')], { builtinDir: BUILTINS });
    expect(minimal).toMatchObject({ name: 'minimal', source: fx('minimal.yaml'), trials: 1, topology: { servicePort: 80 } });
    expect(full).toEqual({
      name: 'full',
      description: 'Every field set',
      topology: { proxyMode: 'ipvs', client: 'node', service: 'clusterIP', hairpin: false, masquerade: true, dropInvalid: true, kubeProxyVersion: 'v1.37', beLiberalAtStart: 0, servicePort: 443, serverPort: 9000 },
      load: { connections: 200, durationMs: 150_000, responseBytes: 1024, pipelining: 4 },
      fault: { kind: 'delayed-duplicates', fraction: 0.01, delayMs: 50 },
      arms: [
        {
          name: 'strict',
          sysctls: { 'net.netfilter.nf_conntrack_tcp_be_liberal': 0, 'net.netfilter.nf_conntrack_log_invalid': 6, 'net.ipv4.vs.conntrack': 1 },
        },
        { name: 'loose', sysctls: { 'net.netfilter.nf_conntrack_tcp_be_liberal': 1, 'net.netfilter.nf_conntrack_tcp_loose': 1 } },
      ],
      trials: 3,
      source: fx('full.yaml'),
    });
  });

  it('applies overrides after validation', async () => {
    const [s] = await loadScenarios([fx('full.yaml')], { builtinDir: BUILTINS, overrides: { durationMs: 5_000, trials: 7 } });
    expect(s).toMatchObject({ load: { connections: 200, durationMs: 5_000 }, trials: 7 });
  });

  it('accepts a file of exactly 1 MiB', async () => {
    const head = 'name: big\n#';
    const path = await tmpFile(head + 'x'.repeat(1024 * 1024 - head.length));
    expect((await loadScenarios([path], { builtinDir: BUILTINS }))[0]?.name).toBe('big');
  });

  it('returns [] for no refs', async () => {
    expect(await loadScenarios([], { builtinDir: BUILTINS })).toEqual([]);
  });
});

describe('loadScenarios: problems', () => {
  it('lists all three mistakes of one file, formatted', async () => {
    const f = fx('three-mistakes.yaml');
    const err = await loadScenarios([f], { builtinDir: BUILTINS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as InputError).message).toBe(
      [
        'invalid input (3 problems):',
        `  ${f}: topology.colour: unknown key`,
        `  ${f}: load.connections: must be <= 2000 (got 5000)`,
        `  ${f}: fault.kind: unknown fault "foo"; ${KINDS}`,
      ].join('\n'),
    );
  });

  it.each<[string, string[]]>([
    ['syntax-error.yaml', ['invalid YAML at line 3, column 1: Flow map in block collection must be sufficiently indented and end with a }']],
    ['duplicate-keys.yaml', ['duplicate key "connections" at line 4, column 3 (YAML keys must be unique)']],
    ['not-a-mapping.yaml', ['expected a mapping (key: value lines) at the top level, got a list']],
    ['empty.yaml', ['file is empty; a scenario needs at least "name: <name>"']],
    ['comments-only.yaml', ['file is empty; a scenario needs at least "name: <name>"']],
    [
      'bad-arms.yaml',
      [
        'arms[0].sysctls.net.netfilter.nf_conntrack_tcp_be_liberal: must be 0 or 1 (got 2)',
        'arms[1].sysctls.net.core.somaxconn: not an allowed sysctl; allowed: net.netfilter.nf_conntrack_tcp_be_liberal, ' +
          'net.netfilter.nf_conntrack_tcp_loose, net.netfilter.nf_conntrack_tcp_ignore_invalid_rst, net.netfilter.nf_conntrack_log_invalid, net.ipv4.vs.*',
        'arms[2].name: must not be empty',
        'arms[2].sysctls: must set at least one sysctl',
        'arms[1].name: duplicate arm name "a" (same as arms[0].name)',
      ],
    ],
  ])('fixture %s', async (name, messages) => {
    expect(await problemsOf([fx(name)])).toEqual(messages.map((m) => `${fx(name)}: ${m}`));
  });

  it.each<[string, string, string[]]>([
    [
      'several YAML errors',
      'name: x\nload: [1, 2\n  a: b: c\n',
      [
        'invalid YAML at line 2, column 11: Implicit keys of flow sequence pairs need to be on a single line',
        'invalid YAML at line 3, column 6: Block collections are not allowed within flow collections',
        'invalid YAML at line 4, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
    ['multiple documents', 'name: x\n---\nname: y\n', ['invalid YAML at line 2, column 1: Source contains multiple documents']],
    ['an unknown tag', 'name: !secret x\n', ['unsupported YAML at line 1, column 7: Unresolved tag: !secret']],
    ['an unresolved alias', 'name: *a\n', ['invalid YAML: Unresolved alias']],
    ['a list as a key', '? [a, b]\n: 1\nname: x\n', ['invalid key at line 1, column 3: keys must be plain values, not lists, mappings or aliases']],
    ['a scalar document', 'just text\n', ['expected a mapping (key: value lines) at the top level, got a string']],
    ['a null document', '~\n', ['expected a mapping (key: value lines) at the top level, got null']],
    ['binary data', '!!binary aGVsbG8=\n', ['expected a mapping (key: value lines) at the top level, got binary data']],
    ['tabs for indentation', 'load:\n\tconnections: 1\n', ['invalid YAML at line 2, column 1: Tabs are not allowed as indentation']],
    ['a merge key (YAML 1.1 only)', 'name: x\n<<: {trials: 2}\n', ['["<<"]: unknown key']],
    [
      'an alias bomb',
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n' +
        'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nname: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n',
      ['invalid YAML: Excessive alias count indicates a resource exhaustion attack'],
    ],
    ['__proto__ as a key', 'name: x\n__proto__: {trials: 2}\n', ['__proto__: unknown key']],
  ])('YAML with %s', async (_, text, starts) => {
    const path = await tmpFile(text);
    const got = await problemsOf([path]);
    expect(got).toHaveLength(starts.length);
    got.forEach((line, i) => expect(line.startsWith(`${path}: ${starts[i]}`), line).toBe(true));
  });

  it('lists at most 10 YAML errors of a file, and how many more there are', async () => {
    const path = await tmpFile(`name: ${'['.repeat(100_000)}`);
    const got = await problemsOf([path]);
    expect(got[0]).toMatch(/: invalid YAML at line 1, column \d+: nested too deeply$/);
    expect(got).toHaveLength(11);
    expect(got[10]).toMatch(/: \d+ more YAML errors not shown; fix the first ones and retry$/);
  });

  it('refuses a 10 MB file before reading it, saying its size', async () => {
    const path = join(tmp, 'huge.yaml');
    await writeFile(path, 'name: [unclosed\n');
    await truncate(path, 10 * 1024 * 1024); // sparse: a 10 MiB file that would be a YAML error if parsed
    expect(await problemsOf([path])).toEqual([`${path}: file is 10 MiB (10485760 bytes); scenario files are limited to 1 MiB`]);
  });

  it('refuses 1 MiB + 1 byte', async () => {
    const path = await tmpFile(Buffer.alloc(1024 * 1024 + 1, 0x20));
    expect(await problemsOf([path])).toEqual([`${path}: file is 1 MiB (1048577 bytes); scenario files are limited to 1 MiB`]);
  });

  it('reports a file that is not UTF-8', async () => {
    const path = await tmpFile(Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    expect(await problemsOf([path])).toEqual([`${path}: is not UTF-8 text`]);
  });

  it('reports a directory and a device', async () => {
    const dir = join(tmp, 'a-dir.yaml');
    await mkdir(dir, { recursive: true });
    expect(await problemsOf([dir, '/dev/null'])).toEqual([
      `${dir}: is a directory, not a scenario file (list the files in it instead, e.g. dir/*.yaml)`,
      '/dev/null: is not a regular file',
    ]);
  });

  it('reports missing files and built-ins, naming the built-ins', async () => {
    const missing = join(tmp, 'missing.yaml');
    expect(await problemsOf(['nope', missing, `${fx('minimal.yaml')}/x.yaml`])).toEqual([
      `nope: no such scenario file or built-in scenario "nope"; built-ins: ${BUILTIN_NAMES}`,
      `${missing}: no such scenario file or built-in scenario "${missing}"; built-ins: ${BUILTIN_NAMES}`,
      `${fx('minimal.yaml')}/x.yaml: no such scenario file or built-in scenario "${fx('minimal.yaml')}/x.yaml"; built-ins: ${BUILTIN_NAMES}`,
    ]);
    expect(await problemsOf(['nope'], { builtinDir: join(tmp, 'no-such-dir') })).toEqual([
      `nope: no such scenario file or built-in scenario "nope"; no built-ins in ${join(tmp, 'no-such-dir')}`,
    ]);
  });

  it('combines the problems of all files, in order, with the flags last', async () => {
    const f3 = fx('three-mistakes.yaml');
    const got = await problemsOf(['nope', f3, fx('syntax-error.yaml'), fx('minimal.yaml')], {
      builtinDir: BUILTINS,
      overrides: { durationMs: 700_000, trials: 0 },
    });
    expect(got).toEqual([
      `nope: no such scenario file or built-in scenario "nope"; built-ins: ${BUILTIN_NAMES}`,
      `${f3}: topology.colour: unknown key`,
      `${f3}: load.connections: must be <= 2000 (got 5000)`,
      `${f3}: fault.kind: unknown fault "foo"; ${KINDS}`,
      `${fx('syntax-error.yaml')}: invalid YAML at line 3, column 1: Flow map in block collection must be sufficiently indented and end with a }`,
      'flags: --duration: must be between 1s and 600s (got 700s)',
      'flags: --trials: must be >= 1 (got 0)',
    ]);
  });

  it('reports two refs with the same scenario name', async () => {
    const copy = await tmpFile('name: over-window\n');
    expect(await problemsOf(['over-window', copy, 'over-window'])).toEqual([
      `${copy}: name: scenario "over-window" is also loaded from ${join(BUILTINS, 'over-window.yaml')}; names must be unique in one run`,
      `${join(BUILTINS, 'over-window.yaml')}: name: scenario "over-window" is also loaded from ${join(BUILTINS, 'over-window.yaml')}; names must be unique in one run`,
    ]);
  });

  it('reports a built-in whose name differs from its file, and an empty ref', async () => {
    const dir = join(tmp, 'builtins');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'alpha.yaml'), 'name: beta\n');
    expect(await problemsOf(['alpha', ''], { builtinDir: dir })).toEqual([
      `${join(dir, 'alpha.yaml')}: name: a built-in scenario must be named after its file: expected "alpha" (got "beta")`,
      'flags: empty scenario name or path',
    ]);
  });
});

describe('listBuiltins', () => {
  it('lists the shipped built-ins, sorted, with descriptions', async () => {
    const builtins = await listBuiltins(BUILTINS);
    expect(builtins.map((b) => b.name).join(', ')).toBe(BUILTIN_NAMES);
    expect(builtins.find((b) => b.name === 'none')).toEqual({ name: 'none', description: 'Clean heavy load, no fault: the control', file: join(BUILTINS, 'none.yaml') });
    expect(builtins.find((b) => b.name === 'over-window')).toEqual({
      name: 'over-window',
      description: 'Out-of-window reply segments (seq = server next + 10,000,000) injected into live cross-node connections',
      file: join(BUILTINS, 'over-window.yaml'),
    });
    // expectations.yaml lives beside the scenarios but is not one.
    expect(builtins.map((b) => b.name)).not.toContain('expectations');
  });

  it('is empty for a missing directory', async () => {
    expect(await listBuiltins(join(tmp, 'nothing-here'))).toEqual([]);
  });
});

describe('validateOverrides', () => {
  it.each<[{ duration?: string; trials?: string }, { durationMs?: number; trials?: number }, InputProblem[]]>([
    [{}, {}, []],
    [{ duration: '30s', trials: '3' }, { durationMs: 30_000, trials: 3 }, []],
    [{ duration: '90' }, { durationMs: 90_000 }, []],
    [{ duration: '600s', trials: '50' }, { durationMs: 600_000, trials: 50 }, []],
    [{ duration: '700s' }, {}, [{ file: 'flags', field: '--duration', message: 'must be between 1s and 600s (got 700s)' }]],
    [{ duration: '10x' }, {}, [{ file: 'flags', field: '--duration', message: 'invalid duration "10x": unknown unit "x"; expected ms, s, m or h' }]],
    [{ trials: '0' }, {}, [{ file: 'flags', field: '--trials', message: 'must be >= 1 (got 0)' }]],
    [{ trials: '51' }, {}, [{ file: 'flags', field: '--trials', message: 'must be <= 50 (got 51)' }]],
    [{ trials: '2.5' }, {}, [{ file: 'flags', field: '--trials', message: 'expected an integer between 1 and 50 (got "2.5")' }]],
    [
      { duration: '', trials: 'many' },
      {},
      [
        { file: 'flags', field: '--duration', message: 'invalid duration "": is empty; e.g. "10s", "500ms", "1.5s", "2m30s", or a number of seconds' },
        { file: 'flags', field: '--trials', message: 'expected an integer between 1 and 50 (got "many")' },
      ],
    ],
  ])('%j', (flags, overrides, problems) => {
    expect(validateOverrides(flags)).toEqual({ overrides, problems });
  });
});
