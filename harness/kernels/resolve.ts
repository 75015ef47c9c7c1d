/**
 * Resolves a `KernelSpec` to a bootable `KernelArtefact`. The path form is checked here;
 * Debian series and package versions go through the kernel cache (cache.ts): the private
 * package index (apt.ts) names the package, install.ts fetches it once, later resolutions
 * reuse it. Offline, or when the index cannot be updated, cached kernels still resolve.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CommandError, ResetlabError, UnsupportedError } from '../errors.js';
import { ExecaRunner, type Runner } from '../exec/runner.js';
import type { KernelArtefact, KernelCacheUse, KernelSpec } from './artefact.js';
import { INDEX_MAX_AGE_MS, PrivateApt } from './apt.js';
import { aptLock, artefactOf, kernelCacheRoot, listCachedKernels, pickCached, type CachedKernel } from './cache.js';
import { availableSeries, imageParts, pickCandidate, seriesOf, type Candidate } from './candidates.js';
import { installKernel, type InstallPlan } from './install.js';
import { withLock } from './lock.js';
import { findMirrors, type Mirrors } from './mirrors.js';
import { describeKernelSpec } from './spec.js';

/** Options of `resolveKernel`. */
export interface ResolveOptions {
  /** Never touch the network; only cached kernels resolve. */
  offline?: boolean;
  /** Progress lines (downloads) go here. */
  say?: (line: string) => void;
  /** Update the package index even when it is younger than 6 h. */
  refresh?: boolean;
  /** The cache root (default: `kernelCacheRoot()` of the environment). */
  cacheRoot?: string;
  /** Runs apt, dpkg-deb and depmod (default: a real ExecaRunner). */
  runner?: Runner;
  /** Environment for the cache root and mirror overrides (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

type DebianSpec = Exclude<KernelSpec, { kind: 'path' }>;

function fromCache(k: CachedKernel, index: KernelCacheUse['index'], say: (l: string) => void, label: string): KernelArtefact {
  say(`kernel ${label}: ${k.package} ${k.version} (${k.suite}), cached at ${k.dir}${index === 'offline' ? ' (offline)' : index === 'unreachable' ? ' (package index unreachable)' : ''}`);
  return artefactOf(k, { downloaded: false, index });
}

function notCached(spec: DebianSpec, cached: CachedKernel[], why: string): UnsupportedError {
  const have = cached.length > 0 ? cached.map((k) => `${k.version} (${k.series})`).join(', ') : 'none';
  return new UnsupportedError(
    `failed to resolve kernel ${describeKernelSpec(spec)}: ${why} and it is not cached (cached: ${have}); ` +
      `run \`resetlab kernels fetch ${describeKernelSpec(spec)}\` with network access`,
  );
}

/** The index records of a candidate image and of every package it is made of (split images). */
async function planInstall(apt: PrivateApt, candidate: Candidate): Promise<InstallPlan> {
  const image = await apt.record(candidate.name, candidate.version);
  if (!image) throw new ResetlabError(`failed to read the index record of ${candidate.name} ${candidate.version}`);
  const parts: InstallPlan['parts'] = [];
  for (const part of imageParts(image)) {
    const record = part.name === image.name ? image : await apt.record(part.name, part.version);
    if (!record) throw new ResetlabError(`failed to read the index record of ${part.name} ${part.version} (part of ${image.name})`);
    parts.push(record);
  }
  return { image, parts, suite: candidate.suite, series: seriesOf(candidate.version) ?? '' };
}

/** Resolves a spec; throws UnsupportedError (exit 2) when it cannot, CommandError when a command fails. */
export async function resolveKernel(spec: KernelSpec, options: ResolveOptions = {}): Promise<KernelArtefact> {
  if (spec.kind === 'path') {
    if (!existsSync(spec.vmlinuz)) throw new UnsupportedError(`kernel image ${spec.vmlinuz} does not exist`);
    if (!existsSync(spec.modulesDir)) throw new UnsupportedError(`modules folder ${spec.modulesDir} does not exist`);
    if (!existsSync(join(spec.modulesDir, 'modules.dep'))) {
      throw new UnsupportedError(`modules folder ${spec.modulesDir} has no modules.dep: run depmod -b <root> ${basename(spec.modulesDir)} (the root holding lib/modules)`);
    }
    return { release: basename(spec.modulesDir), vmlinuz: spec.vmlinuz, modulesDir: spec.modulesDir, source: { kind: 'path' } };
  }
  const say = options.say ?? (() => undefined);
  const runner = options.runner ?? new ExecaRunner();
  const root = options.cacheRoot ?? kernelCacheRoot(options.env);
  const label = describeKernelSpec(spec);
  const cached = await listCachedKernels(root);
  if (options.offline) {
    const hit = pickCached(spec, cached);
    if (!hit) throw notCached(spec, cached, 'offline');
    return fromCache(hit, 'offline', say, label);
  }
  // An exact version never changes: no index needed when it is cached.
  const exact = spec.kind === 'package' && !spec.version.startsWith('linux-image-') ? pickCached(spec, cached) : null;
  if (exact) return fromCache(exact, 'not-needed', say, label);

  let mirrors: Mirrors;
  try {
    mirrors = findMirrors(options.env ?? process.env);
  } catch (error) {
    const hit = pickCached(spec, cached);
    if (!hit || !(error instanceof UnsupportedError)) throw error;
    say(`${error.message.split(' (read ')[0]}; using the cache`);
    return fromCache(hit, 'unreachable', say, label);
  }
  const apt = new PrivateApt(join(root, 'apt'), mirrors, runner);
  await mkdir(join(root, 'locks'), { recursive: true });
  type Found = { artefact: KernelArtefact } | { plan: InstallPlan; index: KernelCacheUse['index'] };
  const found = await withLock(aptLock(root), async (): Promise<Found> => {
    await apt.prepare();
    const age = await apt.indexAgeMs();
    let index: KernelCacheUse['index'] = 'reused';
    if (options.refresh || age === null || age > INDEX_MAX_AGE_MS) {
      say(`updating the Debian package index (${mirrors.archive}${mirrors.security ? `, ${mirrors.security}` : ''})`);
      try {
        const t = performance.now();
        await apt.update();
        index = 'updated';
        say(`package index updated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      } catch (error) {
        const hit = pickCached(spec, cached);
        if (!hit) throw error;
        say(`failed to update the Debian package index (${error instanceof CommandError ? error.outputTail.split('\n').pop() : String(error)}); using the cache`);
        return { artefact: fromCache(hit, 'unreachable', say, label) };
      }
    }
    const t = performance.now();
    const rows = spec.kind === 'package' && spec.version.startsWith('linux-image-') ? await apt.rows([spec.version]) : await apt.imageRows();
    if (index === 'updated') say(`package index read in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const candidate = pickCandidate(spec, rows);
    if (!candidate) {
      const served = availableSeries(rows);
      throw new UnsupportedError(
        `failed to resolve kernel ${label}: no Debian kernel package matches` +
          (served.length > 0 ? ` (the archive serves series ${served.join(', ')})` : rows.length === 0 && spec.kind === 'package' ? ' (no such package in the index)' : '') +
          (index === 'reused' ? '; --refresh updates the package index' : ''),
      );
    }
    const hit = cached.find((k) => k.package === candidate.name && k.version === candidate.version);
    if (hit) return { artefact: fromCache(hit, index, say, label) };
    return { plan: await planInstall(apt, candidate), index };
  });
  if ('artefact' in found) return found.artefact;
  say(`kernel ${label}: ${found.plan.image.name} ${found.plan.image.version} (${found.plan.suite}) is not cached`);
  let installed: Awaited<ReturnType<typeof installKernel>>;
  try {
    installed = await installKernel(root, apt, found.plan, { runner, say });
  } catch (error) {
    const download = error instanceof CommandError && error.commandLine.startsWith('apt-get');
    if (download && found.index === 'reused') {
      // The archive drops superseded packages (security suites do quickly): refresh once.
      say(`failed to download ${found.plan.image.name} ${found.plan.image.version} with the reused package index; updating it and trying again`);
      return resolveKernel(spec, { ...options, refresh: true });
    }
    const hit = pickCached(spec, cached);
    if (!download || !hit) throw error;
    say(`failed to download ${found.plan.image.name} ${found.plan.image.version} (${error.outputTail.split('\n').pop()}); using the cache`);
    return fromCache(hit, 'unreachable', say, label);
  }
  const { kernel, downloaded } = installed;
  say(`kernel ${label}: ${kernel.package} ${kernel.version} (${kernel.suite}) at ${kernel.dir}`);
  return artefactOf(kernel, { downloaded, index: found.index });
}
