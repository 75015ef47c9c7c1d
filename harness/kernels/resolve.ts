/**
 * Resolves a `KernelSpec` to a bootable `KernelArtefact`. The path form is checked here;
 * Debian series and package versions go through the kernel cache (see `cache.ts`).
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { UnsupportedError } from '../errors.js';
import type { KernelArtefact, KernelSpec } from './artefact.js';

/** Options of `resolveKernel`. */
export interface ResolveOptions {
  /** Never touch the network; only cached kernels resolve. */
  offline?: boolean;
  /** Progress lines (downloads) go here. */
  say?: (line: string) => void;
}

/** Resolves a spec; throws UnsupportedError (exit 2) when it cannot. */
export async function resolveKernel(spec: KernelSpec, _options: ResolveOptions = {}): Promise<KernelArtefact> {
  if (spec.kind === 'path') {
    if (!existsSync(spec.vmlinuz)) throw new UnsupportedError(`kernel image ${spec.vmlinuz} does not exist`);
    if (!existsSync(spec.modulesDir)) throw new UnsupportedError(`modules folder ${spec.modulesDir} does not exist`);
    return { release: basename(spec.modulesDir), vmlinuz: spec.vmlinuz, modulesDir: spec.modulesDir, source: { kind: 'path' } };
  }
  throw new UnsupportedError('Debian kernel packages are not supported yet: pass --kernel /path/vmlinuz --modules /path/lib/modules/VERSION');
}
