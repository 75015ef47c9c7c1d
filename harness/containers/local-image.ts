/**
 * An agent image built without a registry: `FROM scratch` with the host's own Node binary,
 * a few host tools (sh, nsenter, ...) and their shared libraries (from `ldd`), the project's
 * compiled `dist/` and the agents' npm packages (the dependency closure of autocannon,
 * hdr-histogram-js and raw-socket, native build included). The context is staged in a
 * temporary folder (removed after the build) and built by testcontainers (image.ts). For
 * machines with a registry the user-facing image is docker/Dockerfile.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, linkSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../repo-root.js';

/** npm packages the agents import (harness/agents). */
export const AGENT_PACKAGES = ['autocannon', 'hdr-histogram-js', 'raw-socket'] as const;
/**
 * Host tools the image must carry besides node: a shell (toolbox input), nsenter (pods), and
 * sleep (the kind workloads' holder containers run `sleep infinity`, manifests.ts HOLDER_COMMAND;
 * measured in a 6.1 guest: without it the server pod never started and its rollout failed).
 */
export const DEFAULT_TOOLS = ['sh', 'nsenter', 'cat', 'sleep'] as const;
/** Host tools it carries when the host has them: the toolbox's (nft, ipvsadm), ip and unshare. */
export const OPTIONAL_TOOLS = ['nft', 'ipvsadm', 'ip', 'unshare'] as const;

/** Absolute library paths in `ldd` output (the vdso has none). Pure. */
export function parseLdd(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (m) out.add(m[1]!);
  }
  return [...out].sort();
}

/** What `packageClosure` reads. */
export interface PackageFs {
  /** The parsed package.json at `path`, or null when absent. */
  readPackage(path: string): { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> } | null;
}

/**
 * Package folders (relative to `root`) that `roots` need at run time: Node's resolution from
 * `<root>/node_modules`, nested `node_modules` first. Missing optional dependencies are
 * skipped; a missing required one throws. Pure over `fs`.
 */
export function packageClosure(root: string, roots: readonly string[], fs: PackageFs): string[] {
  const seen = new Set<string>();
  const resolve = (from: string, name: string): string | null => {
    // from: a package folder relative to root ('' for the project itself).
    let dir = from;
    for (;;) {
      const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
      if (fs.readPackage(join(root, candidate, 'package.json'))) return candidate;
      if (dir === '') return null;
      const up = dir.lastIndexOf('/node_modules/');
      dir = up < 0 ? '' : dir.slice(0, up);
    }
  };
  const visit = (from: string, name: string, optional: boolean): void => {
    const where = resolve(from, name);
    if (where === null) {
      if (optional) return;
      throw new Error(`failed to resolve package ${name} from ${from || 'the project'} under ${root}`);
    }
    if (seen.has(where)) return;
    seen.add(where);
    const pkg = fs.readPackage(join(root, where, 'package.json'))!;
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(where, dep, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(where, dep, true);
  };
  for (const r of roots) visit('', r, false);
  return [...seen].sort();
}

/** The Dockerfile of the staged context. */
export const LOCAL_DOCKERFILE = 'FROM scratch\nCOPY rootfs/ /\nWORKDIR /app\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n';

const realFs: PackageFs = {
  readPackage: (path) => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ReturnType<PackageFs['readPackage']>) : null),
};

/** Hard-links (or copies) a host file, symlinks resolved, to the absolute path `as` under `rootfs`. */
function place(rootfs: string, file: string, as = file): void {
  const target = join(rootfs, as);
  if (existsSync(target)) return;
  mkdirSync(dirname(target), { recursive: true });
  const real = realpathSync(file);
  try {
    linkSync(real, target);
  } catch {
    copyFileSync(real, target);
  }
}

/** Where a host tool is (`command -v`), or null. */
function which(tool: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Writes the build context into `dir` (Dockerfile + rootfs/) and returns the tools it holds.
 * Needs `dist/` (npm run build). Node goes to /usr/local/bin/node, tools to their host paths
 * (resolved through symlinks); the caller removes `dir`.
 */
export function stageLocalImage(dir: string): string[] {
  if (!existsSync(join(REPO_ROOT, 'dist', 'harness', 'agents'))) throw new Error('failed to stage the local agent image: dist/ is missing (npm run build)');
  const rootfs = join(dir, 'rootfs');
  const missing = DEFAULT_TOOLS.filter((t) => which(t) === null);
  if (missing.length > 0) throw new Error(`failed to stage the local agent image: ${missing.join(', ')} not installed on this machine`);
  const tools = [...DEFAULT_TOOLS, ...OPTIONAL_TOOLS].flatMap((t) => {
    const path = which(t);
    return path === null ? [] : [{ tool: t, file: path }];
  });
  const binaries = [{ file: process.execPath, as: '/usr/local/bin/node' }, ...tools.map((t) => ({ file: t.file, as: t.file }))];
  for (const b of binaries) {
    place(rootfs, b.file, b.as);
    for (const lib of parseLdd(execFileSync('ldd', [b.file], { encoding: 'utf8' }))) place(rootfs, lib);
  }
  mkdirSync(join(rootfs, 'tmp'), { recursive: true, mode: 0o1777 });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  const app = join(rootfs, 'app');
  cpSync(join(REPO_ROOT, 'dist'), join(app, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.tsbuildinfo') });
  copyFileSync(join(REPO_ROOT, 'package.json'), join(app, 'package.json'));
  for (const pkg of packageClosure(REPO_ROOT, AGENT_PACKAGES, realFs)) {
    cpSync(join(REPO_ROOT, pkg), join(app, pkg), { recursive: true, dereference: true });
  }
  writeFileSync(join(dir, 'Dockerfile'), LOCAL_DOCKERFILE);
  return tools.map((t) => t.tool);
}
