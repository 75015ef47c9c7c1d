/**
 * The node's image import script, run for real by sh with stub `ctr` and `hostname` on PATH
 * and its folder moved under a temporary directory: which archives each node imports.
 */
import { execa } from 'execa';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFiles } from './node-files.js';

const dir = mkdtempSync(join(tmpdir(), 'rl-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the script as host `hostname` with the given archives; returns the archives ctr imported, in order. */
async function importsOn(hostname: string, archives: string[]): Promise<string[]> {
  const root = mkdtempSync(join(dir, 'node-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const a of archives) {
    mkdirSync(join(root, 'images', a, '..'), { recursive: true });
    writeFileSync(join(root, 'images', a), '');
  }
  const log = join(root, 'ctr.log');
  writeFileSync(join(bin, 'ctr'), `#!/bin/sh\n[ "$1" = version ] && exit 0\nfor a; do last="$a"; done\necho "$last" >> ${log}\n`);
  writeFileSync(join(bin, 'hostname'), `#!/bin/sh\necho ${hostname}\n`);
  chmodSync(join(bin, 'ctr'), 0o755);
  chmodSync(join(bin, 'hostname'), 0o755);
  const script = nodeFiles({ k8sVersion: 'v1.20.2', sandboxImage: 'k8s.gcr.io/pause:3.4', workerImages: ['pause', 'kube-proxy'] })['/usr/local/bin/resetlab-import-images']!.content;
  writeFileSync(join(root, 'import'), script.replaceAll('/kind/images', join(root, 'images')));
  await execa('sh', [join(root, 'import')], { env: { PATH: `${bin}:/usr/bin:/bin` } });
  return readFileSync(log, 'utf8').trim().split('\n').map((l) => l.slice(join(root, 'images').length + 1));
}

describe('the node image import script', () => {
  const archives = ['etcd.tar', 'kube-apiserver.tar', 'kube-proxy.tar', 'pause.tar'];
  it('imports every archive on the control plane, only pause and kube-proxy on a worker', async () => {
    expect(await importsOn('rl-x-control-plane', archives)).toEqual(archives);
    expect(await importsOn('rl-x-worker', archives)).toEqual(['kube-proxy.tar', 'pause.tar']);
  });
  it('imports every-node/ archives on every node, and does without the folder', async () => {
    const withAgent = [...archives, 'every-node/resetlab-agent.tar'];
    expect(await importsOn('rl-x-control-plane', withAgent)).toEqual(withAgent);
    expect(await importsOn('rl-x-worker', withAgent)).toEqual(['kube-proxy.tar', 'pause.tar', 'every-node/resetlab-agent.tar']);
  });
});
