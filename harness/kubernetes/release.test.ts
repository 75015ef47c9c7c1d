import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecaRunner } from '../exec/runner.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { listCachedKubernetes } from './cache.js';
import { downloadRelease } from './release.js';

// A local server (127.0.0.1 only) with dl.k8s.io's layout; the "binaries" are scripts printing a version.
const script = (v: string) => `#!/bin/sh\necho "Kubernetes ${v}"\n`;
const files = new Map<string, string>();
for (const bin of ['kube-proxy', 'kube-apiserver']) {
  const body = script('v1.99.0');
  files.set(`/release/v1.99.0/bin/linux/amd64/${bin}`, body);
  files.set(`/release/v1.99.0/bin/linux/amd64/${bin}.sha256`, createHash('sha256').update(body).digest('hex'));
  files.set(`/release/v1.98.0/bin/linux/amd64/${bin}`, script('v1.98.0'));
  files.set(`/release/v1.98.0/bin/linux/amd64/${bin}.sha256`, 'f'.repeat(64));
}
let server: Server;
let base = '';
const requests: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    res.writeHead(body === undefined ? 404 : 200).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}/release`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const deps = () => ({ runner: new ExecaRunner(), say: () => undefined, baseUrl: base });

describe('downloadRelease', { timeout: 60_000 }, () => {
  it('downloads, checks the published sha256 and --version, and caches; a second call downloads nothing', async () => {
    const root = tempDir('rl-k8s-');
    const first = await downloadRelease(root, 'v1.99.0', deps());
    expect(first.built).toBe(true);
    expect(first.entry.binaries['kube-proxy'].versionOutput).toBe('Kubernetes v1.99.0');
    expect(await readFile(join(first.entry.dir, 'bin', 'kube-proxy'), 'utf8')).toBe(script('v1.99.0'));
    const n = requests.length;
    const second = await downloadRelease(root, 'v1.99.0', deps());
    expect(second.built).toBe(false);
    expect(requests.length).toBe(n);
  });
  it('refuses a binary whose sha256 differs from the published one, and caches nothing', async () => {
    const root = tempDir('rl-k8s-');
    await expect(downloadRelease(root, 'v1.98.0', deps())).rejects.toThrow(/failed to verify kube-proxy v1\.98\.0: its sha256 is [0-9a-f]{64}, .*says f{64}/);
    expect(await listCachedKubernetes(root)).toEqual([]);
  });
  it('says so when a version is not there', async () => {
    await expect(downloadRelease(tempDir('rl-k8s-'), 'v1.97.0', deps())).rejects.toThrow(/HTTP 404/);
  });
});
