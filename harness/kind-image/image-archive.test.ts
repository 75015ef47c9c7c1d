import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecaRunner } from '../exec/runner.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { sha256Of, writeImageArchive, writeLayer } from './image-archive.js';

describe('docker save archives from folders', () => {
  it('gives equal digests for equal trees, and an archive ctr/docker can read', async () => {
    const dir = tempDir('rl-img-');
    const runner = new ExecaRunner();
    for (const d of ['a', 'b']) {
      await mkdir(join(dir, d, 'usr/local/bin'), { recursive: true });
      await writeFile(join(dir, d, 'usr/local/bin/x'), 'same');
    }
    const la = await writeLayer(runner, join(dir, 'a'), join(dir, 'la.tar'));
    const lb = await writeLayer(runner, join(dir, 'b'), join(dir, 'lb.tar'));
    expect(la.diffId).toBe(lb.diffId);
    expect(la.diffId).toBe(`sha256:${await sha256Of(join(dir, 'la.tar'))}`);
    const out = await writeImageArchive(runner, join(dir, 'img.tar'), ['example.local/x:1'], [la], { entrypoint: ['/usr/local/bin/x'] });
    const x = join(dir, 'x');
    await mkdir(x);
    await runner.run(['tar', '-C', x, '-xf', out.file]);
    const manifest = JSON.parse(await readFile(join(x, 'manifest.json'), 'utf8')) as { Config: string; RepoTags: string[]; Layers: string[] }[];
    expect(manifest).toHaveLength(1);
    expect(manifest[0]!.RepoTags).toEqual(['example.local/x:1']);
    expect(`sha256:${manifest[0]!.Config.replace('.json', '')}`).toBe(out.configDigest);
    const config = JSON.parse(await readFile(join(x, manifest[0]!.Config), 'utf8')) as { rootfs: { diff_ids: string[] }; config: { Entrypoint: string[] } };
    expect(config.rootfs.diff_ids).toEqual([la.diffId]);
    expect(`sha256:${await sha256Of(join(x, manifest[0]!.Layers[0]!))}`).toBe(la.diffId);
    expect(`sha256:${await sha256Of(join(x, manifest[0]!.Config))}`).toBe(out.configDigest);
  });
});
