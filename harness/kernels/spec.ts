/**
 * `--kernel` / `--modules` flags -> `KernelSpec`s. Pure: no file is looked at here (the path
 * form is checked by `resolveKernel`). Every problem is returned, none thrown, so the caller
 * can report them together with its other flag problems (exit 2, nothing started).
 */
import type { InputProblem } from '../errors.js';
import type { KernelSpec } from './artefact.js';

/** A Debian kernel series: "major.minor", e.g. 5.10, 6.1, 6.12, 7.2. */
export const SERIES_RE = /^\d+\.\d+$/;
/** A Debian package version with a revision, e.g. 6.1.192-2, 6.12.117-1~deb12u1, 1:2.0-1. */
export const PACKAGE_VERSION_RE = /^(\d+:)?\d+\.\d+[0-9A-Za-z.+~]*-[0-9A-Za-z.+~]+$/;
/** A versioned kernel image package name, e.g. linux-image-6.1.0-56-amd64 (not the meta package linux-image-amd64). */
export const PACKAGE_NAME_RE = /^linux-image-\d+\.\d+\.\d+[0-9A-Za-z.+~-]*$/;

const EXAMPLES = 'expected a series (5.10, 6.1, 6.12, 7.2), a package version (6.1.192-2), a package name (linux-image-6.1.0-56-amd64) or a path to a vmlinuz with --modules';

function problem(field: string, message: string): InputProblem {
  return { file: 'flags', field, message };
}

function looksLikePath(item: string): boolean {
  return item.includes('/');
}

/**
 * Parses one `--kernel` value (no commas) and the optional `--modules` folder. Returns the
 * spec, or the problems found (never both).
 */
export function parseKernelSpec(kernelFlag: string, modulesFlag?: string): KernelSpec | InputProblem[] {
  const item = kernelFlag.trim();
  if (item === '') return [problem('--kernel', `empty value; ${EXAMPLES}`)];
  if (item.includes(',')) return [problem('--kernel', `"${item}" is a list; one kernel expected here`)];
  if (looksLikePath(item)) {
    if (modulesFlag === undefined || modulesFlag.trim() === '') {
      return [problem('--modules', `--kernel ${item} is a path: give its modules folder too, e.g. --modules /path/lib/modules/VERSION`)];
    }
    return { kind: 'path', vmlinuz: item, modulesDir: modulesFlag.trim().replace(/\/+$/, '') || '/' };
  }
  const problems: InputProblem[] = [];
  if (modulesFlag !== undefined) problems.push(problem('--modules', `only goes with a --kernel path, not with "${item}"`));
  let spec: KernelSpec | null = null;
  if (SERIES_RE.test(item)) spec = { kind: 'series', series: item };
  else if (PACKAGE_NAME_RE.test(item)) {
    if (/-dbg$/.test(item)) problems.push(problem('--kernel', `${item} holds debug symbols, not a kernel`));
    else spec = { kind: 'package', version: item };
  } else if (PACKAGE_VERSION_RE.test(item)) spec = { kind: 'package', version: item };
  else if (/^\d+\.\d+\.\d+$/.test(item)) problems.push(problem('--kernel', `"${item}" has no Debian revision: give the series (${item.split('.').slice(0, 2).join('.')}) or the package version (e.g. ${item}-1)`));
  else problems.push(problem('--kernel', `"${item}" is not a kernel; ${EXAMPLES}`));
  return problems.length > 0 || spec === null ? problems : spec;
}

/**
 * Parses a comma-separated `--kernel` list (the matrix form, `--kernel 5.10,6.1`). At most one
 * item may be a path; `--modules` belongs to it. Duplicates are problems. Returns the specs
 * in the order given and every problem found (specs is empty when there is a problem).
 */
export function parseKernelList(kernelFlag: string, modulesFlag?: string): { specs: KernelSpec[]; problems: InputProblem[] } {
  const items = kernelFlag.split(',').map((s) => s.trim());
  const paths = items.filter(looksLikePath);
  const problems: InputProblem[] = [];
  if (paths.length > 1) problems.push(problem('--kernel', `${paths.length} paths in one list; --modules can belong to one of them only`));
  if (paths.length === 0 && modulesFlag !== undefined) problems.push(problem('--modules', 'only goes with a --kernel path'));
  const specs: KernelSpec[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item)) {
      problems.push(problem('--kernel', `"${item}" is listed twice`));
      continue;
    }
    seen.add(item);
    const parsed = parseKernelSpec(item, looksLikePath(item) ? modulesFlag : undefined);
    if (Array.isArray(parsed)) problems.push(...parsed);
    else specs.push(parsed);
  }
  return problems.length > 0 ? { specs: [], problems } : { specs, problems };
}

/** A short label of a spec, for messages and result folders: "6.1", "6.1.192-2", "/boot/vmlinuz-6.18". */
export function describeKernelSpec(spec: KernelSpec): string {
  return spec.kind === 'series' ? spec.series : spec.kind === 'package' ? spec.version : spec.vmlinuz;
}
