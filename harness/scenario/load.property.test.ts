/**
 * Property tests of the loader: whatever a scenario file contains, loading it either returns
 * valid scenarios or throws InputError (never another error, never hangs); valid scenarios
 * survive YAML serialisation unchanged.
 */
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../errors.js';
import { loadScenarios } from './load.js';
import { FAULT_KINDS, NAME_PATTERN, ScenarioFile, toScenarioFile, validateScenario } from './schema.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'rl-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

// Hundreds of file round-trips per property: on a busy 2-core machine that exceeds vitest's
// 5 s default. Speed is not what these tests assert (a hang still fails, at 2 minutes).
vi.setConfig({ testTimeout: 120_000 });

const BUILTIN_DIR = '/nonexistent-builtins';
const RUN = { numRuns: 300, timeout: 5_000 }; // timeout: a run that takes longer fails the property

/** Loads `text` from a file; returns the outcome or rethrows anything that is not an InputError. */
async function loadText(text: string): Promise<'ok' | 'invalid'> {
  const path = join(tmp, 'p.yaml');
  await writeFile(path, text);
  try {
    const [s] = await loadScenarios([path], { builtinDir: BUILTIN_DIR });
    expect(ScenarioFile.safeParse(toScenarioFile(s!)).success).toBe(true);
    return 'ok';
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) {
      expect(p.file).toBe(path);
      expect(p.message).not.toBe('');
    }
    return 'invalid';
  }
}

// --- arbitraries -------------------------------------------------------------------------

const LIBERAL = 'net.netfilter.nf_conntrack_tcp_be_liberal';
const sysctlEntry = fc.oneof(
  fc.tuple(fc.constantFrom(LIBERAL, 'net.netfilter.nf_conntrack_tcp_loose', 'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst'), fc.integer({ min: 0, max: 1 })),
  fc.tuple(fc.constant('net.netfilter.nf_conntrack_log_invalid'), fc.integer({ min: 0, max: 255 })),
  fc.tuple(fc.stringMatching(/^net\.ipv4\.vs\.[a-z_]{1,20}$/), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
);
const arm = fc.record({
  name: fc.string({ minLength: 1, maxLength: 40 }),
  sysctls: fc.array(sysctlEntry, { minLength: 1, maxLength: 5 }).map((es) => Object.fromEntries(es)),
});
const positive = (max: number) => fc.double({ min: Number.MIN_VALUE, max, noNaN: true });
const duration = fc.oneof(
  fc.integer({ min: 1, max: 600 }),
  fc.integer({ min: 1_000, max: 600_000 }).map((ms) => `${ms}ms`),
  fc.integer({ min: 1, max: 10 }).map((m) => `${m}m`),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 59 })).map(([m, s]) => `${m}m${s}s`),
);
const fault = fc.oneof(
  fc.record({ kind: fc.constant('none' as const) }),
  fc.record(
    { kind: fc.constant('inject' as const), offset: fc.constantFrom('above-window' as const, 'below-window' as const), ratePerSecond: positive(10_000) },
    { requiredKeys: ['kind'] },
  ),
  fc.record(
    { kind: fc.constant('delayed-duplicates' as const), fraction: positive(0.5), delayMs: fc.integer({ min: 1, max: 5000 }) },
    { requiredKeys: ['kind'] },
  ),
  fc.record({ kind: fc.constant('conntrack-flush' as const), intervalMs: fc.integer({ min: 100, max: 60_000 }) }, { requiredKeys: ['kind'] }),
);
const port = fc.integer({ min: 1, max: 65535 });
/** Any valid scenario file, with each optional field present or not. */
const validFile: fc.Arbitrary<ScenarioFile> = fc.record(
  {
    name: fc.stringMatching(NAME_PATTERN),
    description: fc.string({ unit: 'grapheme', maxLength: 80 }),
    topology: fc.record(
      {
        proxyMode: fc.constantFrom('auto' as const, 'ipvs' as const, 'iptables' as const, 'nftables' as const),
        client: fc.constantFrom('pod' as const, 'node' as const, 'external' as const),
        service: fc.constantFrom('clusterIP' as const, 'nodePort' as const),
        masquerade: fc.boolean(),
        dropInvalid: fc.boolean(),
        servicePort: port,
        serverPort: port,
      },
      { requiredKeys: [] },
    ),
    load: fc.record(
      {
        connections: fc.integer({ min: 1, max: 2000 }),
        duration,
        responseBytes: fc.integer({ min: 1, max: 16_777_216 }),
        pipelining: fc.integer({ min: 1, max: 64 }),
      },
      { requiredKeys: [] },
    ),
    fault,
    arms: fc.uniqueArray(arm, { minLength: 1, maxLength: 16, selector: (a) => a.name }),
    trials: fc.integer({ min: 1, max: 50 }),
  },
  { requiredKeys: ['name'] },
);

/** Values that are sometimes right and usually wrong, for near-valid files. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(...FAULT_KINDS, 'inject', '10s', '-1s', 'x', 0, -1, 1e9, 0.5, null, true),
);
/** A valid file with fields replaced or added at random. */
const nearValidFile = fc
  .tuple(validFile, fc.array(fc.tuple(fc.constantFrom('name', 'topology', 'load', 'fault', 'arms', 'trials', 'extra'), anyValue), { maxLength: 3 }))
  .map(([file, edits]) => Object.assign({ ...file }, Object.fromEntries(edits)));

const YAML_CHARS = [...'abcnmelotruk01239.-_:{}[],#&*!|>\'"%@`?~ \n\n\t\\'];
const yamlishText = fc.string({ unit: fc.constantFrom(...YAML_CHARS), maxLength: 300 });
/** Valid scenario YAML with a few characters inserted, deleted or replaced. */
const mutatedYaml = fc
  .tuple(validFile.map((f) => stringify(f)), fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.constantFrom(...YAML_CHARS)), { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) =>
    edits.reduce((t, [at, op, ch]) => {
      const i = t.length === 0 ? 0 : at % t.length;
      return op === 0 ? t.slice(0, i) + ch + t.slice(i) : op === 1 ? t.slice(0, i) + t.slice(i + 1) : t.slice(0, i) + ch + t.slice(i + 1);
    }, text),
  );

// --- properties ----------------------------------------------------------------------------

describe('loadScenarios: only Scenario or InputError', () => {
  it.each<[string, fc.Arbitrary<string>]>([
    ['arbitrary JSON values as YAML', fc.jsonValue().map((v) => stringify(v))],
    ['arbitrary objects as YAML', fc.object().map((v) => stringify(v))],
    ['near-valid scenarios as YAML', nearValidFile.map((v) => stringify(v))],
    ['random YAML-ish text', yamlishText],
    ['random unicode text', fc.string({ unit: 'grapheme', maxLength: 200 })],
    ['valid YAML with random edits', mutatedYaml],
  ])('%s', async (_, text) => {
    await fc.assert(fc.asyncProperty(text, async (t) => void (await loadText(t))), RUN);
  });

  it('finds both outcomes among near-valid files (the generators are not degenerate)', async () => {
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(nearValidFile, async (f) => {
        outcomes.add(await loadText(stringify(f)));
      }),
      { numRuns: 100, seed: 42 },
    );
    expect([...outcomes].sort()).toEqual(['invalid', 'ok']);
  });
});

describe('loadScenarios: valid scenarios round-trip through YAML', () => {
  it('loads exactly what the object validates to, and toScenarioFile writes it back', async () => {
    await fc.assert(
      fc.asyncProperty(validFile, async (file) => {
        const path = join(tmp, 'rt.yaml');
        const direct = validateScenario(file, path, path);
        if (!direct.ok) throw new Error(`generator produced an invalid scenario: ${JSON.stringify(direct.problems)}`);

        await writeFile(path, stringify(file));
        const [loaded] = await loadScenarios([path], { builtinDir: BUILTIN_DIR });
        expect(loaded).toEqual(direct.scenario);

        await writeFile(path, stringify(toScenarioFile(loaded!)));
        const [again] = await loadScenarios([path], { builtinDir: BUILTIN_DIR });
        expect(again).toEqual(loaded);
      }),
      RUN,
    );
  });
});
