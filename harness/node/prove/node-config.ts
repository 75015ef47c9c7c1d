/**
 * The node configuration a boot uses: the four paths that decide be_liberal at boot
 * (`NODE_CONFIG_PATHS`), copied from `--root DIR` as they are (symlinks kept verbatim), or,
 * by default, the stock Debian files of the rootfs plus one sysctl.d file setting the key.
 * Staged into a folder of the run (`<dir>/node/...`), which the initramfs copies over the
 * rootfs's own; the caller owns the folder. `applyFix` runs `node persist --apply` on a copy.
 */
import { lstatSync, statSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { InputProblem } from '../../errors.js';
import { DEFAULT_PERSIST_NAME, LIBERAL_KEY } from '../constants.js';
import { gatherFacts } from '../gather.js';
import { LocalNodeFs } from '../local-node-fs.js';
import { applyTargets, inspectTargets } from '../persist-apply.js';
import { persistFiles, previewPersist } from '../persist.js';
import { NODE_CONFIG_PATHS } from './init-script.js';

/** Where the configuration comes from. */
export type NodeConfigSource = { kind: 'root'; dir: string } | { kind: 'default' };

/** The file the default configuration adds (what most nodes do: a sysctl.d line and nothing else). */
export const DEFAULT_SYSCTL_FILE = { path: '/etc/sysctl.d/99-kubernetes-conntrack.conf', text: `${LIBERAL_KEY} = 1\n` };

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Problems with `--root` (checked before anything is created). */
export function nodeRootProblems(dir: string): InputProblem[] {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // missing
  }
  if (!isDir) return [{ file: 'flags', field: '--root', message: `${dir} is not a directory` }];
  if (!NODE_CONFIG_PATHS.some((p) => exists(join(dir, p)))) {
    return [{ file: 'flags', field: '--root', message: `${dir} has none of ${NODE_CONFIG_PATHS.join(', ')}: not a node's root (or nothing to boot with)` }];
  }
  return [];
}

/**
 * Copies the configuration into `<dest>` (as a node root: `<dest>/etc/sysctl.d`, ...);
 * `rootfs` is the tree the default configuration starts from. Returns the paths staged.
 */
export async function stageNodeConfig(dest: string, source: NodeConfigSource, rootfs: string): Promise<string[]> {
  const from = source.kind === 'root' ? source.dir : rootfs;
  const staged: string[] = [];
  for (const p of NODE_CONFIG_PATHS) {
    if (!exists(join(from, p))) continue;
    await mkdir(dirname(join(dest, p)), { recursive: true });
    await cp(join(from, p), join(dest, p), { recursive: true, verbatimSymlinks: true });
    staged.push(p);
  }
  if (source.kind === 'default') {
    await mkdir(join(dest, dirname(DEFAULT_SYSCTL_FILE.path)), { recursive: true });
    await writeFile(join(dest, DEFAULT_SYSCTL_FILE.path), DEFAULT_SYSCTL_FILE.text);
  }
  return staged;
}

/**
 * Copies the staged configuration `from` to `to` and applies `node persist --apply` there
 * (never `--force`: a differing file of the same name is refused, exit 2). Returns what
 * persist said (lines written, and its warnings).
 */
export async function applyFix(from: string, to: string): Promise<{ lines: string[]; warnings: string[] }> {
  await cp(from, to, { recursive: true, verbatimSymlinks: true });
  const { warnings } = previewPersist(await gatherFacts(new LocalNodeFs(to)), DEFAULT_PERSIST_NAME);
  const lines = await applyTargets(await inspectTargets(to, persistFiles(DEFAULT_PERSIST_NAME)), false);
  return { lines: lines.map((l) => l.replace(to, '')), warnings };
}
