/**
 * Loads scenarios named on the command line: built-in names or file paths. Every file is read
 * and validated, and every problem from every file (and from the override flags) is reported
 * in one `InputError` before anything else happens. Reading files is the only side effect.
 */
import { readdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError, type InputProblem } from '../errors.js';
import { parseDuration } from './duration.js';
import { readYamlMapping } from './read-yaml.js';
import { checkDurationMs, LIMITS, validateScenario, type Scenario } from './schema.js';

/** Values from CLI flags that replace the scenario's own, after validation. */
export interface ScenarioOverrides {
  durationMs?: number;
  trials?: number;
}

/** Options of `loadScenarios`. */
export interface LoadOptions {
  /** Directory of the built-in scenarios (`<name>.yaml`). */
  builtinDir: string;
  /** From `validateOverrides`; applied to every scenario after validation. */
  overrides?: ScenarioOverrides;
}

const isBuiltinRef = (ref: string): boolean => !ref.includes('/') && !/\.ya?ml$/i.test(ref);

/**
 * Maps a scenario reference to a file path: a ref without '/' and without a .yaml/.yml
 * suffix names a built-in (`<builtinDir>/<ref>.yaml`); anything else is a path, returned as is.
 */
export function resolveScenarioRef(ref: string, builtinDir: string): string {
  return isBuiltinRef(ref) ? join(builtinDir, `${ref}.yaml`) : ref;
}

/**
 * A reference as an expectations file gives it (pure): a built-in's name as it is; a file path
 * relative to the expectations file's folder (absolute paths as they are).
 */
export function refFromExpectations(ref: string, expectationsFile: string): string {
  return isBuiltinRef(ref) || isAbsolute(ref) ? ref : resolve(dirname(expectationsFile), ref);
}

/** Files in the built-in directory that are not scenarios. */
export const NOT_SCENARIOS = new Set(['expectations']);

/** Names of the built-in scenarios (`*.yaml` in `builtinDir` except NOT_SCENARIOS), sorted; [] if the directory is missing. */
async function builtinNames(builtinDir: string): Promise<string[]> {
  try {
    const entries = await readdir(builtinDir, { withFileTypes: true });
    return entries
      .filter((e) => !e.isDirectory() && e.name.endsWith('.yaml'))
      .map((e) => e.name.slice(0, -'.yaml'.length))
      .filter((name) => isBuiltinRef(name) && !NOT_SCENARIOS.has(name))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

async function loadOne(ref: string, builtinDir: string, notFound: string): Promise<{ scenario?: Scenario; file: string; problems: InputProblem[] }> {
  if (ref.trim() === '') return { file: 'flags', problems: [{ file: 'flags', field: '', message: 'empty scenario name or path' }] };
  const builtin = isBuiltinRef(ref);
  const path = resolveScenarioRef(ref, builtinDir);
  const file = builtin ? path : ref;
  // "Not found" names what the user typed; other problems name the file that was read.
  const read = await readYamlMapping(path, file, { file: ref, field: '', message: notFound });
  if (!read.ok) return { file, problems: read.problems };
  const result = validateScenario(read.data, file, builtin ? `built-in:${ref}` : ref);
  if (!result.ok) return { file, problems: result.problems };
  if (builtin && result.scenario.name !== ref) {
    const message = `a built-in scenario must be named after its file: expected "${ref}" (got "${result.scenario.name}")`;
    return { file, problems: [{ file, field: 'name', message }] };
  }
  return { file, scenario: result.scenario, problems: [] };
}

/**
 * Loads and validates the scenarios `refs` (see `resolveScenarioRef`), in order, with
 * defaults filled in and `opts.overrides` applied. Throws one `InputError` listing every
 * problem of every file (missing, directory, over 1 MiB, empty, YAML errors, duplicate keys,
 * schema problems, two refs with the same scenario name, out-of-range overrides).
 */
export async function loadScenarios(refs: string[], opts: LoadOptions): Promise<Scenario[]> {
  let names: string[] | undefined;
  try {
    names = await builtinNames(opts.builtinDir);
  } catch {
    names = undefined;
  }
  const notFound = (ref: string) =>
    `no such scenario file or built-in scenario ${JSON.stringify(ref)}; ` +
    (names === undefined ? `cannot list built-ins in ${opts.builtinDir}` : names.length > 0 ? `built-ins: ${names.join(', ')}` : `no built-ins in ${opts.builtinDir}`);
  const loaded = await Promise.all(refs.map((ref) => loadOne(ref, opts.builtinDir, notFound(ref))));

  const problems = loaded.flatMap((l) => l.problems);
  const firstFileOfName = new Map<string, string>();
  for (const { scenario, file } of loaded) {
    if (!scenario) continue;
    const other = firstFileOfName.get(scenario.name);
    if (other === undefined) firstFileOfName.set(scenario.name, file);
    else problems.push({ file, field: 'name', message: `scenario "${scenario.name}" is also loaded from ${other}; names must be unique in one run` });
  }
  problems.push(...overrideProblems(opts.overrides ?? {}));
  if (problems.length > 0) throw new InputError(problems);

  const { durationMs, trials } = opts.overrides ?? {};
  return loaded.map(({ scenario }) => {
    const s = scenario as Scenario;
    return {
      ...s,
      load: durationMs === undefined ? s.load : { ...s.load, durationMs },
      trials: trials ?? s.trials,
    };
  });
}

function trialsProblem(n: number): string | undefined {
  const { min, max } = LIMITS.trials;
  if (!Number.isInteger(n)) return `expected an integer between ${min} and ${max} (got ${n})`;
  if (n < min) return `must be >= ${min} (got ${n})`;
  if (n > max) return `must be <= ${max} (got ${n})`;
  return undefined;
}

function overrideProblems(o: ScenarioOverrides): InputProblem[] {
  const problems: InputProblem[] = [];
  const d = o.durationMs === undefined ? undefined : checkDurationMs(o.durationMs);
  if (d) problems.push({ file: 'flags', field: '--duration', message: d });
  const t = o.trials === undefined ? undefined : trialsProblem(o.trials);
  if (t) problems.push({ file: 'flags', field: '--trials', message: t });
  return problems;
}

/**
 * Validates the `--duration` and `--trials` flags with the schema's bounds. Returns the
 * overrides that are valid and a problem (file "flags", field "--duration"/"--trials") for
 * each that is not; the caller throws `InputError` with these and any other problems.
 */
export function validateOverrides(flags: { duration?: string; trials?: string }): { overrides: ScenarioOverrides; problems: InputProblem[] } {
  const overrides: ScenarioOverrides = {};
  const problems: InputProblem[] = [];
  if (flags.duration !== undefined) {
    let message: string | undefined;
    try {
      const ms = parseDuration(flags.duration);
      message = checkDurationMs(ms);
      if (!message) overrides.durationMs = ms;
    } catch (e) {
      message = (e as Error).message;
    }
    if (message) problems.push({ file: 'flags', field: '--duration', message });
  }
  if (flags.trials !== undefined) {
    const text = flags.trials.trim();
    const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    const message = Number.isNaN(n)
      ? `expected an integer between ${LIMITS.trials.min} and ${LIMITS.trials.max} (got ${JSON.stringify(flags.trials)})`
      : trialsProblem(n);
    if (message) problems.push({ file: 'flags', field: '--trials', message });
    else overrides.trials = n;
  }
  return { overrides, problems };
}

/**
 * The built-in scenarios in `builtinDir`, sorted by name, each loaded and validated;
 * `description` is "" when the file has none. Throws `InputError` if any built-in is invalid.
 */
export async function listBuiltins(builtinDir: string): Promise<Array<{ name: string; description: string; file: string }>> {
  const names = await builtinNames(builtinDir);
  const scenarios = await loadScenarios(names, { builtinDir });
  return scenarios.map((s, i) => ({ name: s.name, description: s.description ?? '', file: resolveScenarioRef(names[i] ?? s.name, builtinDir) }));
}
