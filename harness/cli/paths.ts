/** Paths inside the installed package (built-in scenarios, default results directory). */
import { join } from 'node:path';
import { REPO_ROOT } from '../repo-root.js';

/** Built-in scenario files. */
export const BUILTIN_DIR = join(REPO_ROOT, 'scenarios');
/** Default `--out`. */
export const DEFAULT_OUT = join(REPO_ROOT, 'results');
