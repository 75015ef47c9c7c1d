/**
 * `resetlab kernels list|fetch|prune`: the cache of Debian kernels the vm driver boots
 * (harness/kernels). `fetch` resolves series, package versions or names (comma lists too)
 * and downloads what is missing; `list` shows the cache; `prune` removes all but the newest
 * kernel per series (everything with --all). Commands throw typed errors; main.ts maps them.
 */
import type { Command } from 'commander';
import { InputError, InterruptedError, type InputProblem } from '../../errors.js';
import type { KernelArtefact, KernelSpec } from '../../kernels/artefact.js';
import { kernelCacheRoot, listCachedKernels, pruneKernels, type CachedKernel } from '../../kernels/cache.js';
import { resolveKernel } from '../../kernels/resolve.js';
import { parseKernelList } from '../../kernels/spec.js';
import type { CliContext } from '../context.js';

/** Flags of `kernels fetch`. */
export interface KernelsFetchFlags {
  offline?: boolean;
  refresh?: boolean;
  json?: boolean;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

function table(kernels: CachedKernel[]): string {
  if (kernels.length === 0) return '';
  const rows = kernels.map((k) => [k.series, k.version, k.suite, k.release, mb(k.sizeBytes || 0), k.fetchedAt.slice(0, 16).replace('T', ' ')]);
  const head = ['series', 'version', 'suite', 'release', 'size', 'fetched (UTC)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** `kernels list`: the cached kernels, newest first. */
export async function kernelsListCommand(flags: { json?: boolean }): Promise<void> {
  const root = kernelCacheRoot();
  const kernels = await listCachedKernels(root);
  if (flags.json) {
    process.stdout.write(JSON.stringify({ schema: 'resetlab/kernels@1', root, kernels }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`${root}\n`);
  process.stdout.write(kernels.length === 0 ? '(no kernels cached: resetlab kernels fetch 6.1)\n' : table(kernels));
}

/** Validates `fetch` arguments: Debian specs only (paths are not cached). */
export function fetchSpecs(args: string[]): KernelSpec[] {
  const { specs, problems } = parseKernelList(args.join(','));
  const paths = args.join(',').split(',').filter((a) => a.includes('/'));
  const all: InputProblem[] = [
    ...paths.map((p) => ({ file: 'flags', field: '<kernel>', message: `${p.trim()} is a path: only Debian kernels are fetched and cached` })),
    ...problems.filter((p) => p.field !== '--modules').map((p) => ({ ...p, field: '<kernel>' })),
  ];
  if (all.length > 0) throw new InputError(all);
  return specs;
}

/** `kernels fetch`: resolves each kernel, downloading what is not cached. */
export async function kernelsFetchCommand(ctx: CliContext, args: string[], flags: KernelsFetchFlags): Promise<void> {
  const specs = fetchSpecs(args);
  const artefacts: KernelArtefact[] = [];
  for (const spec of specs) {
    // A fetch under way finishes (its temp folder is removed either way); the next one does not start.
    if (ctx.signal.aborted) throw new InterruptedError(String(ctx.signal.reason ?? 'SIGINT'));
    artefacts.push(await resolveKernel(spec, { offline: flags.offline, refresh: flags.refresh, say: ctx.say, runner: ctx.runner }));
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify({ schema: 'resetlab/kernel-fetch@1', kernels: artefacts }, null, 2) + '\n');
    return;
  }
  for (const a of artefacts) {
    const s = a.source.kind === 'debian' ? `${a.source.version} (${a.source.suite})` : 'path';
    process.stdout.write(`${a.release}  ${s}  ${a.cache?.downloaded ? 'downloaded' : 'cached'}  ${a.vmlinuz}\n`);
  }
}

/** `kernels prune`: removes old kernels (all with --all). */
export async function kernelsPruneCommand(ctx: CliContext, flags: { all?: boolean; json?: boolean }): Promise<void> {
  const result = await pruneKernels(kernelCacheRoot(), { all: flags.all });
  if (flags.json) {
    process.stdout.write(JSON.stringify({ schema: 'resetlab/kernels-prune@1', removed: result.removed.map((k) => k.version), kept: result.kept.map((k) => k.version), freedBytes: result.freedBytes, leftovers: result.leftovers }, null, 2) + '\n');
    return;
  }
  for (const k of result.removed) ctx.say(`removed ${k.version} (${k.series})`);
  for (const name of result.leftovers) ctx.say(`removed leftover ${name}`);
  process.stdout.write(`removed ${result.removed.length} kernel(s), ${mb(result.freedBytes)} freed; kept ${result.kept.map((k) => k.version).join(', ') || 'none'}${flags.all ? ' (and the package index)' : ''}\n`);
}

/** Registers `kernels list|fetch|prune` on the program. */
export function registerKernelCommands(program: Command, getCtx: () => CliContext): void {
  const kernels = program.command('kernels').description('the cache of Debian kernels the vm driver boots');
  kernels
    .command('list')
    .description(`list cached kernels (cache: $XDG_CACHE_HOME/resetlab/kernels, default ~/.cache/resetlab/kernels)`)
    .option('--json', 'print one JSON document (resetlab/kernels@1)')
    .action((flags: { json?: boolean }) => kernelsListCommand(flags));
  kernels
    .command('fetch')
    .argument('<kernel...>', 'series (5.10, 6.1, 6.12, 7.2), package versions (6.1.192-2) or names (linux-image-6.1.0-56-amd64); commas allowed')
    .description('download and unpack kernels that are not cached yet (a cached one is not downloaded again)')
    .option('--offline', 'do not touch the network: only say which cached kernel each resolves to')
    .option('--refresh', 'update the package index even if it is younger than 6 h')
    .option('--json', 'print one JSON document (resetlab/kernel-fetch@1)')
    .action((args: string[], flags: KernelsFetchFlags) => kernelsFetchCommand(getCtx(), args, flags));
  kernels
    .command('prune')
    .description('remove cached kernels that are not the newest of their series')
    .option('--all', 'remove every cached kernel and the package index')
    .option('--json', 'print one JSON document (resetlab/kernels-prune@1)')
    .action((flags: { all?: boolean; json?: boolean }) => kernelsPruneCommand(getCtx(), flags));
}
