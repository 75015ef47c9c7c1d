/**
 * `bench rps` flags -> a validated plan: the masks (checked against this machine's CPU count),
 * the liberal values, trials and duration, and the benchmark scenario itself: one arm per mask
 * (crossed with liberal=0/1 when asked), each arm carrying its own `rps`. Every problem is
 * collected and thrown as one InputError before anything is created.
 */
import { InputError, type InputProblem } from '../../errors.js';
import { loadScenarios, validateOverrides } from '../../scenario/load.js';
import { normalizeRpsMask, rpsMaskProblem } from '../../scenario/rps.js';
import type { ArmSpec, Scenario } from '../../scenario/schema.js';

/** Flags of `bench rps` as commander hands them over (strings, unvalidated). */
export interface BenchRpsFlags {
  masks?: string;
  scenario?: string;
  liberal?: string;
  trials?: string;
  duration?: string;
  out?: string;
  json?: boolean;
}

/** A validated RPS benchmark. */
export interface RpsPlan {
  /** Canonical masks in the order given; the first is the baseline. */
  masks: string[];
  /** be_liberal values crossed with the masks; null: the scenario's first arm's sysctls as they are. */
  liberal: number[] | null;
  trials: number;
  durationMs: number;
  /** The scenario actually run: the chosen one with its arms replaced. */
  scenario: Scenario;
  /** Per arm (same order as `scenario.arms`): its mask and liberal value. */
  armKeys: Array<{ mask: string; liberal: number | null }>;
}

/** Defaults: 3 trials of 5 s per arm, the clean-load scenario. */
export const BENCH_RPS_DEFAULTS = { trials: 3, durationMs: 5_000, scenario: 'none' } as const;

const LIBERAL = 'net.netfilter.nf_conntrack_tcp_be_liberal';

/** At most this many arms (masks x liberal values), as for scenario files. */
export const MAX_BENCH_ARMS = 16;

/** Default masks: off, each of the first four CPUs alone, all CPUs (for 2 CPUs: 0,1,2,3). */
export function defaultMasks(cpuCount: number): string[] {
  const singles = Array.from({ length: Math.min(cpuCount, 4) }, (_, i) => (1n << BigInt(i)).toString(16));
  return [...new Set(['0', ...singles, ((1n << BigInt(cpuCount)) - 1n).toString(16)])];
}

/** Parses a comma list: `--masks 0,1,3`; problems name the flag. */
function list(text: string, flag: string, problems: InputProblem[]): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) problems.push({ file: 'flags', field: flag, message: `expected a comma-separated list without empty items (got ${JSON.stringify(text)})` });
  return items.filter((s) => s !== '');
}

/** Validates masks against `cpuCount`: hex, within the CPUs, no duplicates. */
export function parseMasks(text: string | undefined, cpuCount: number, problems: InputProblem[]): string[] {
  if (text === undefined) return defaultMasks(cpuCount);
  const masks: string[] = [];
  for (const m of list(text, '--masks', problems)) {
    const p = rpsMaskProblem(m, cpuCount);
    if (p) problems.push({ file: 'flags', field: '--masks', message: p });
    else if (masks.includes(normalizeRpsMask(m))) problems.push({ file: 'flags', field: '--masks', message: `mask ${m} is listed twice` });
    else masks.push(normalizeRpsMask(m));
  }
  return masks;
}

function parseLiberal(text: string | undefined, problems: InputProblem[]): number[] | null {
  if (text === undefined) return null;
  const values: number[] = [];
  for (const v of list(text, '--liberal', problems)) {
    if (v !== '0' && v !== '1') problems.push({ file: 'flags', field: '--liberal', message: `expected 0 or 1 (got ${JSON.stringify(v)})` });
    else if (values.includes(Number(v))) problems.push({ file: 'flags', field: '--liberal', message: `${v} is listed twice` });
    else values.push(Number(v));
  }
  return values;
}

/** The arms: for each liberal value (outer), one per mask (inner), named `rps=<mask>[ liberal=<v>]`. */
export function benchArms(base: Scenario, masks: string[], liberal: number[] | null): { arms: ArmSpec[]; keys: RpsPlan['armKeys'] } {
  const first = base.arms[0]!;
  const rps = { flowCnt: base.rps?.flowCnt ?? 0, nodes: base.rps?.nodes ?? ['node-a' as const, 'node-b' as const], interfaces: base.rps?.interfaces ?? ['wire0'] };
  const arms: ArmSpec[] = [];
  const keys: RpsPlan['armKeys'] = [];
  for (const l of liberal ?? [null]) {
    for (const mask of masks) {
      arms.push({
        name: l === null ? `rps=${mask}` : `rps=${mask} liberal=${l}`,
        sysctls: l === null ? { ...first.sysctls } : { ...first.sysctls, [LIBERAL]: l },
        rps: { ...rps, cpus: mask },
      });
      keys.push({ mask, liberal: l ?? first.sysctls[LIBERAL] ?? null });
    }
  }
  return { arms, keys };
}

/** Validates the flags (all problems at once, exit 2) and builds the plan; reads only the scenario file. */
export async function planRpsBench(flags: BenchRpsFlags, cpuCount: number, builtinDir: string): Promise<RpsPlan> {
  const problems: InputProblem[] = [];
  const masks = parseMasks(flags.masks, cpuCount, problems);
  if (flags.masks !== undefined && masks.length === 0 && problems.length === 0) problems.push({ file: 'flags', field: '--masks', message: 'name at least one mask' });
  const liberal = parseLiberal(flags.liberal, problems);
  const armCount = masks.length * (liberal?.length ?? 1);
  if (armCount > MAX_BENCH_ARMS) problems.push({ file: 'flags', field: '--masks', message: `${armCount} arms (masks x liberal values) is more than ${MAX_BENCH_ARMS}` });
  if (flags.out !== undefined && flags.out.trim() === '') problems.push({ file: 'flags', field: '--out', message: 'must not be empty' });
  const { overrides, problems: flagProblems } = validateOverrides(flags);
  problems.push(...flagProblems);
  let scenario: Scenario | undefined;
  try {
    [scenario] = await loadScenarios([flags.scenario ?? BENCH_RPS_DEFAULTS.scenario], { builtinDir });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !scenario) throw new InputError(problems);
  const trials = overrides.trials ?? BENCH_RPS_DEFAULTS.trials;
  const durationMs = overrides.durationMs ?? BENCH_RPS_DEFAULTS.durationMs;
  const { arms, keys } = benchArms(scenario, masks, liberal);
  return {
    masks,
    liberal,
    trials,
    durationMs,
    scenario: { ...scenario, arms, trials, load: { ...scenario.load, durationMs } },
    armKeys: keys,
  };
}
