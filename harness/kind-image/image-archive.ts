/**
 * Container images without a registry or a builder: each image is a `docker save` archive
 * (the format `ctr images import` and `docker load` read) written from folders on disk.
 *
 * Format (moby's image/spec v1.2 "docker save" layout): a tar holding `manifest.json`
 * (`[{Config, RepoTags, Layers}]`), the config `<sha256>.json` (`architecture`, `os`,
 * `config` with Entrypoint/Cmd/Env, `rootfs.diff_ids`) and one `<sha256>/layer.tar` per
 * layer, where the layer's id is the sha256 of its uncompressed tar (its diff_id). Layers
 * are tarred with GNU tar as root-owned, sorted, with a fixed mtime, so equal inputs give
 * equal digests (a shared base layer is stored once by containerd).
 *
 * `imageConfig` and `saveManifest` are pure; `writeLayer` and `writeImageArchive` do the I/O.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Runner } from '../exec/runner.js';

/** One layer: a tar file and its digest (`sha256:<hex>` of the uncompressed tar). */
export interface Layer {
  file: string;
  diffId: string;
  sizeBytes: number;
}

/** What an image runs. */
export interface ImageRuntime {
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
}

/** The fixed mtime of every file in a layer (2020-01-01), so digests depend on content only. */
export const LAYER_MTIME = '2020-01-01 00:00:00Z';

/** The image config JSON (pure; `created` fixed for reproducible digests). */
export function imageConfig(runtime: ImageRuntime, diffIds: string[]): Record<string, unknown> {
  const config: Record<string, unknown> = { Env: runtime.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] };
  if (runtime.entrypoint) config.Entrypoint = runtime.entrypoint;
  if (runtime.cmd) config.Cmd = runtime.cmd;
  if (runtime.workingDir) config.WorkingDir = runtime.workingDir;
  return { architecture: 'amd64', os: 'linux', created: '2020-01-01T00:00:00Z', config, rootfs: { type: 'layers', diff_ids: diffIds } };
}

/** `manifest.json` of a one-image archive (pure). */
export function saveManifest(configFile: string, tags: string[], layerFiles: string[]): unknown[] {
  return [{ Config: configFile, RepoTags: tags, Layers: layerFiles }];
}

/** sha256 of a file, hex. */
export async function sha256Of(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Tars `dir`'s contents (reproducibly, see module doc) into `file` and returns the layer. */
export async function writeLayer(runner: Runner, dir: string, file: string): Promise<Layer> {
  await mkdir(dirname(file), { recursive: true });
  await runner.run(
    ['tar', '--sort=name', `--mtime=${LAYER_MTIME}`, '--owner=0', '--group=0', '--numeric-owner', '--format=gnu', '-C', dir, '-cf', file, '.'],
    { timeoutMs: 1_800_000 },
  );
  return { file, diffId: `sha256:${await sha256Of(file)}`, sizeBytes: (await stat(file)).size };
}

/**
 * Writes a `docker save` archive of one image (`tags`, `layers` bottom first, `runtime`) to
 * `out`: assembled in a temporary folder beside it, tarred, renamed into place.
 */
export async function writeImageArchive(runner: Runner, out: string, tags: string[], layers: Layer[], runtime: ImageRuntime): Promise<{ file: string; sizeBytes: number; configDigest: string }> {
  const stage = await mkdtemp(join(dirname(out), '.img-'));
  try {
    const layerFiles: string[] = [];
    for (const l of layers) {
      const hex = l.diffId.replace(/^sha256:/, '');
      await mkdir(join(stage, hex), { recursive: true });
      // A hard link would do, but layers may sit on another file system: copy by tar's own read.
      await runner.run(['cp', '--reflink=auto', l.file, join(stage, hex, 'layer.tar')], { timeoutMs: 600_000 });
      layerFiles.push(`${hex}/layer.tar`);
    }
    const config = JSON.stringify(imageConfig(runtime, layers.map((l) => l.diffId)));
    const configHex = createHash('sha256').update(config).digest('hex');
    await writeFile(join(stage, `${configHex}.json`), config);
    await writeFile(join(stage, 'manifest.json'), JSON.stringify(saveManifest(`${configHex}.json`, tags, layerFiles)));
    const tmp = `${out}.tmp`;
    await runner.run(['tar', '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-C', stage, '-cf', tmp, '.'], { timeoutMs: 1_800_000 });
    await rename(tmp, out);
    return { file: out, sizeBytes: (await stat(out)).size, configDigest: `sha256:${configHex}` };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
