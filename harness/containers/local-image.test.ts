import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageClosure, parseLdd, type PackageFs } from './local-image.js';

describe('parseLdd', () => {
  it('takes resolved libraries and the loader, not the vdso', () => {
    const text = [
      '\tlinux-vdso.so.1 (0x00007ffd1b3e9000)',
      '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f80f5872000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f80f533e000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f80f588b000)',
      '\tlibgone.so.1 => not found',
    ].join('\n');
    expect(parseLdd(text)).toEqual(['/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libdl.so.2', '/lib64/ld-linux-x86-64.so.2']);
  });
  it('a static binary has none', () => {
    expect(parseLdd('\tnot a dynamic executable\n')).toEqual([]);
  });
});

/** A fake node_modules tree: relative folder -> package.json. */
function tree(packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>): PackageFs {
  return { readPackage: (path) => packages[path.replace(/^\/p\//, '').replace(/\/package\.json$/, '')] ?? null };
}

describe('packageClosure', () => {
  const fs = tree({
    'node_modules/a': { dependencies: { b: '1', c: '1' } },
    'node_modules/b': { dependencies: { c: '2' } },
    'node_modules/b/node_modules/c': {},
    'node_modules/c': { optionalDependencies: { gone: '1' } },
    'node_modules/z': {},
  });
  it('follows dependencies with nested folders first, once each, and skips missing optional ones', () => {
    expect(packageClosure('/p', ['a'], fs)).toEqual(['node_modules/a', 'node_modules/b', 'node_modules/b/node_modules/c', 'node_modules/c']);
  });
  it('a missing required package throws naming it', () => {
    expect(() => packageClosure('/p', ['nope'], fs)).toThrow(/failed to resolve package nope/);
  });
  it('uses the given root', () => {
    expect(join('/p', 'node_modules/z')).toBe('/p/node_modules/z');
    expect(packageClosure('/p', ['z'], fs)).toEqual(['node_modules/z']);
  });
});
