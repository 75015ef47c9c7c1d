import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, formatProblem, InputError, type InputProblem } from '../../errors.js';
import { prepareRun, type RunFlags } from './run.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'rl-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The InputError `prepareRun` throws; fails the test if it resolves or throws anything else. */
async function inputErrorOf(refs: string[], flags: RunFlags): Promise<InputError> {
  const error = await prepareRun(refs, flags).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}
const fields = (problems: InputProblem[]) => problems.map((p) => `${p.file}: ${p.field}`);

describe('prepareRun: every problem at once', () => {
  const BAD: RunFlags = { driver: 'docker', duration: 'soon', trials: '0' };

  it('reports no scenario, unknown driver, bad duration and bad trials in one InputError (exit 2)', async () => {
    const error = await inputErrorOf([], BAD);
    expect(error.exitCode).toBe(ExitCode.invalidInput);
    expect(fields(error.problems)).toEqual(['flags: <scenario>', 'flags: --driver', 'flags: --duration', 'flags: --trials']);
    expect(error.problems.map(formatProblem)).toEqual([
      'flags: <scenario>: name at least one scenario or file',
      'flags: --driver: unknown driver "docker"; expected one of netns, kind, vm, kube',
      expect.stringMatching(/^flags: --duration: .*"soon"/),
      'flags: --trials: must be >= 1 (got 0)',
    ]);
    expect(error.message).toMatch(/^invalid input \(4 problems\):\n/);
  });

  it('reports a missing file together with the bad flags', async () => {
    const missing = join(tmp, 'nope.yaml');
    const error = await inputErrorOf([missing], BAD);
    expect(fields(error.problems).sort()).toEqual(['flags: --driver', 'flags: --duration', 'flags: --trials', `${missing}: `].sort());
    expect(error.problems.find((p) => p.file === missing)?.message).toMatch(/no such scenario file or built-in scenario/);
  });

  it('reports an unknown built-in with the list of built-ins, and every bad file', async () => {
    const broken = join(tmp, 'broken.yaml');
    await writeFile(broken, 'name: Not Valid\n');
    const error = await inputErrorOf(['over-windo', broken], { out: '  ' });
    expect(fields(error.problems)).toEqual(expect.arrayContaining(['flags: --out', 'over-windo: ', `${broken}: name`]));
    expect(error.problems.find((p) => p.file === 'over-windo')?.message).toMatch(/built-ins: .*over-window/);
  });

  it.each<[string, RunFlags, string]>([
    ['duration too long', { duration: '11m' }, '--duration'],
    ['trials not a number', { trials: 'three' }, '--trials'],
    ['trials over the limit', { trials: '51' }, '--trials'],
    ['empty --out', { out: '' }, '--out'],
  ])('%s', async (_name, flags, field) => {
    const error = await inputErrorOf(['over-window'], flags);
    expect(fields(error.problems)).toEqual([`flags: ${field}`]);
  });
});

describe('prepareRun: valid input', () => {
  it('returns the built-in over-window scenario with its defaults', async () => {
    const [s, ...rest] = await prepareRun(['over-window'], {});
    expect(rest).toEqual([]);
    expect(s).toMatchObject({
      name: 'over-window',
      source: 'built-in:over-window',
      fault: { kind: 'inject', offset: 'above-window', ratePerSecond: 50 },
      topology: { proxyMode: 'auto', client: 'pod', masquerade: false, dropInvalid: 'auto', kubeProxyVersion: 'v1.37', beLiberalAtStart: 0, servicePort: 80, serverPort: 8080 },
      load: { durationMs: 10_000 },
      trials: 1,
    });
    expect(s?.arms.map((a) => a.name)).toEqual(['liberal=0', 'liberal=1']);
  });

  it.each<[string, RunFlags]>([
    ['netns', { driver: 'netns' }],
    ['kind (rejected later, when running, not as input)', { driver: 'kind' }],
  ])('accepts --driver %s', async (_name, flags) => {
    await expect(prepareRun(['none'], flags)).resolves.toHaveLength(1);
  });

  it('applies --duration and --trials to every scenario', async () => {
    const scenarios = await prepareRun(['over-window', 'none'], { duration: '2s', trials: '3' });
    expect(scenarios.map((s) => [s.name, s.load.durationMs, s.trials])).toEqual([
      ['over-window', 2000, 3],
      ['none', 2000, 3],
    ]);
  });
});

describe('prepareRun: fault kinds', () => {
  it.each(['none', 'inject', 'delayed-duplicates', 'conntrack-flush'])('accepts fault kind %s from a file', async (kind) => {
    const file = join(tmp, `ok-${kind}.yaml`);
    await writeFile(file, `name: ok-${kind}\nfault: { kind: ${kind} }\n`);
    const [s] = await prepareRun([file], {});
    expect(s?.fault.kind).toBe(kind);
    expect(s?.source).toBe(file);
  });

  it('reports an unknown fault kind on field fault.kind together with flag problems', async () => {
    const file = join(tmp, 'bogus.yaml');
    await writeFile(file, 'name: bogus\nfault: { kind: packet-storm }\n');
    const error = await inputErrorOf([file], { trials: '0' });
    expect(fields(error.problems).sort()).toEqual(['flags: --trials', `${file}: fault.kind`].sort());
    expect(error.problems.find((p) => p.field === 'fault.kind')?.message).toMatch(/unknown fault "packet-storm"/);
  });
});
