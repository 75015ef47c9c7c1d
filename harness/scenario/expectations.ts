/**
 * `expectations.yaml`: the expected verdict of each scenario by kernel range and, where it
 * matters, proxy mode and driver. Pure schema + matching; `loadExpectations` reads the file
 * and reports every problem with file and field (exit 2) before anything runs.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { DEFAULT_KUBE_PROXY_VERSION } from '../dataplane/index.js';
import { InputError, type InputProblem } from '../errors.js';

const COMPARATOR = /^(>=|<=|>|<|=)?(\d+)\.(\d+)(?:\.(\d+))?$/;

/** A kernel range: space-separated comparators, all must hold, e.g. ">=5.4 <6.1". */
export const KernelRange = z
  .string()
  .refine((s) => s.trim().split(/\s+/).every((c) => COMPARATOR.test(c)), {
    message: 'expected comparators like ">=6.1" or ">=5.4 <6.1"',
  });

export const Expectation = z.strictObject({
  scenario: z.string().min(1),
  expect: z.enum(['reproduced', 'not-reproduced', 'not-fixed', 'inconclusive']),
  kernel: KernelRange.optional(),
  proxyMode: z.enum(['ipvs', 'iptables', 'nftables']).optional(),
  driver: z.enum(['netns', 'kind', 'kube', 'vm']).optional(),
  /**
   * The modelled kube-proxy releases the row was measured for, as a range on `1.<minor>`
   * (e.g. "<1.15", ">=1.29"); absent: the default version only (the one the row's run used).
   */
  kubeProxy: KernelRange.optional(),
  /**
   * The real kube-proxy the row was measured with (`--kube-proxy v1.20.2`: its version as the
   * binary prints it). A row with it matches only runs of that binary; a row without it only
   * runs of resetlab's model.
   */
  kubeProxyBinary: z.string().regex(/^v\d+\.\d+\.\d+$/, { error: 'a release as the binary prints it, e.g. v1.20.2' }).optional(),
  note: z.string().optional(),
});
export type Expectation = z.infer<typeof Expectation>;

export const ExpectationsFile = z.strictObject({ expectations: z.array(Expectation).min(1) });

/** Parses "6.18.44-foo" into [6, 18, 44]; null if it does not start with major.minor. */
export function parseKernelVersion(release: string): [number, number, number] | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** True when `release` satisfies every comparator of `range` (a missing range matches all). */
export function kernelInRange(release: string, range: string | undefined): boolean {
  if (!range) return true;
  const v = parseKernelVersion(release);
  if (!v) return false;
  return range.trim().split(/\s+/).every((c) => {
    const m = COMPARATOR.exec(c)!;
    const d = compare(v, [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)]);
    switch (m[1] ?? '=') {
      case '>=': return d >= 0;
      case '<=': return d <= 0;
      case '>': return d > 0;
      case '<': return d < 0;
      default: return m[4] === undefined ? v[0] === Number(m[2]) && v[1] === Number(m[3]) : d === 0;
    }
  });
}

/** Facts a run is matched on. */
export interface MatchFacts {
  kernel: string;
  proxyMode: string;
  driver: string;
  /** The modelled kube-proxy (`v1.37`, `v1.20.2`); absent: the default version. */
  kubeProxyVersion?: string;
  /** The real kube-proxy run (`--kube-proxy`: its version, or the flag's value before the run); absent: the model. */
  kubeProxyBinary?: string;
}

/** Whether a row's `kubeProxy` range covers a version (no range: the default version only). */
function kubeProxyMatches(range: string | undefined, version: string | undefined): boolean {
  const v = (version ?? DEFAULT_KUBE_PROXY_VERSION).replace(/^v/, '');
  if (!range) return v.split('.').slice(0, 2).join('.') === DEFAULT_KUBE_PROXY_VERSION.replace(/^v/, '');
  return kernelInRange(v, range);
}

/**
 * The first expectation for `scenario` matching the facts, or null. A `driver: netns` row also
 * matches the vm driver, which runs the same netns lab inside its guest (the kernel differs, and
 * rows name their kernel).
 */
export function selectExpectation(list: Expectation[], scenario: string, f: MatchFacts): Expectation | null {
  return (
    list.find(
      (e) =>
        e.scenario === scenario &&
        kernelInRange(f.kernel, e.kernel) &&
        (!e.proxyMode || e.proxyMode === f.proxyMode) &&
        (!e.driver || e.driver === f.driver || (e.driver === 'netns' && f.driver === 'vm')) &&
        (e.kubeProxyBinary ?? null) === (f.kubeProxyBinary ?? null) &&
        (e.driver === 'kind' || f.driver === 'kind' || e.driver === 'kube' || f.driver === 'kube' || e.kubeProxyBinary !== undefined || kubeProxyMatches(e.kubeProxy, f.kubeProxyVersion)),
    ) ?? null
  );
}

/** Scenario names in the order they first appear. */
export function expectedScenarios(list: Expectation[]): string[] {
  return [...new Set(list.map((e) => e.scenario))];
}

/** Reads and validates an expectations file; throws InputError listing every problem. */
export async function loadExpectations(file: string): Promise<Expectation[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError([{ file, field: '', message: `cannot read expectations file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(doc.errors.map((e) => ({ file, field: '', message: `invalid YAML: ${e.message.split('\n')[0]}` })));
  }
  const parsed = ExpectationsFile.safeParse(doc.toJS());
  if (!parsed.success) {
    const problems: InputProblem[] = parsed.error.issues.map((i) => ({
      file,
      field: i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '').replace(/\.\[/g, '['),
      message: i.message,
    }));
    throw new InputError(problems);
  }
  return parsed.data.expectations;
}
