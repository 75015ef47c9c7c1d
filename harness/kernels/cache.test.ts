import { describe, expect, it } from 'vitest';
import { pickCached, kernelCacheRoot, type CachedKernel } from './cache.js';

describe('kernelCacheRoot', () => {
  it.each([
    [{ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }, '/x/cache/resetlab/kernels'],
    [{ HOME: '/home/u' }, '/home/u/.cache/resetlab/kernels'],
    [{ XDG_CACHE_HOME: '', HOME: '/home/u' }, '/home/u/.cache/resetlab/kernels'],
    [{ XDG_CACHE_HOME: 'relative', HOME: '/home/u' }, '/home/u/.cache/resetlab/kernels'],
  ])('%j -> %s', (env, root) => {
    expect(kernelCacheRoot(env)).toBe(root);
  });
});

describe('pickCached', () => {
  const k = (pkg: string, version: string, series: string) => ({ package: pkg, version, series }) as CachedKernel;
  const cached = [k('linux-image-6.1.0-55-amd64', '6.1.191-1', '6.1'), k('linux-image-6.1.0-56-amd64', '6.1.192-2', '6.1'), k('linux-image-6.1.0-0.deb11.52-amd64', '6.1.180-1~deb11u1', '6.1'), k('linux-image-5.10.0-32-amd64', '5.10.223-1', '5.10'), k('linux-image-6.1.0-57-cloud-amd64', '6.1.200-1', '6.1')];
  it.each([
    [{ kind: 'series', series: '6.1' }, '6.1.192-2'],
    [{ kind: 'series', series: '5.10' }, '5.10.223-1'],
    [{ kind: 'series', series: '6.12' }, null],
    [{ kind: 'package', version: '6.1.191-1' }, '6.1.191-1'],
    [{ kind: 'package', version: 'linux-image-6.1.0-0.deb11.52-amd64' }, '6.1.180-1~deb11u1'],
    [{ kind: 'package', version: '6.1.193-1' }, null],
    [{ kind: 'package', version: '6.1.200-1' }, null], // only the cloud flavour has it
    [{ kind: 'package', version: 'linux-image-6.1.0-57-cloud-amd64' }, '6.1.200-1'],
  ] as const)('%j -> %s', (spec, version) => {
    expect(pickCached(spec, cached)?.version ?? null).toBe(version);
  });
});
