import { describe, expect, it } from 'vitest';
import type { InputProblem } from '../errors.js';
import { parseKernelList, parseKernelSpec } from './spec.js';

const fields = (r: unknown) => (r as InputProblem[]).map((p) => `${p.field}: ${p.message}`);

describe('parseKernelSpec', () => {
  it.each([
    ['5.10', undefined, { kind: 'series', series: '5.10' }],
    ['6.1', undefined, { kind: 'series', series: '6.1' }],
    ['6.12', undefined, { kind: 'series', series: '6.12' }],
    [' 7.2 ', undefined, { kind: 'series', series: '7.2' }],
    ['6.1.192-2', undefined, { kind: 'package', version: '6.1.192-2' }],
    ['6.12.117-1~deb12u1', undefined, { kind: 'package', version: '6.12.117-1~deb12u1' }],
    ['linux-image-6.1.0-56-amd64', undefined, { kind: 'package', version: 'linux-image-6.1.0-56-amd64' }],
    ['linux-image-6.12.117+deb13-amd64', undefined, { kind: 'package', version: 'linux-image-6.12.117+deb13-amd64' }],
    ['/boot/vmlinuz-6.8.0-1-generic', '/lib/modules/6.8.0-1-generic/', { kind: 'path', vmlinuz: '/boot/vmlinuz-6.8.0-1-generic', modulesDir: '/lib/modules/6.8.0-1-generic' }],
    ['./build/bzImage', 'out/lib/modules/6.18.0', { kind: 'path', vmlinuz: './build/bzImage', modulesDir: 'out/lib/modules/6.18.0' }],
  ])('%s (--modules %s) -> spec', (kernel, modules, expected) => {
    expect(parseKernelSpec(kernel, modules)).toEqual(expected);
  });

  it.each([
    ['', undefined, /--kernel: empty value/],
    ['6', undefined, /--kernel: "6" is not a kernel/],
    ['latest', undefined, /--kernel: "latest" is not a kernel/],
    ['6.1.192', undefined, /no Debian revision: give the series \(6\.1\) or the package version \(e\.g\. 6\.1\.192-1\)/],
    ['linux-image-amd64', undefined, /not a kernel/], // the meta package
    ['linux-image-6.1.0-56-amd64-dbg', undefined, /debug symbols/],
    ['/boot/vmlinuz', undefined, /--modules: .* is a path: give its modules folder too/],
    ['6.1', '/lib/modules/x', /--modules: only goes with a --kernel path/],
    ['5.10,6.1', undefined, /is a list/],
  ])('%j (--modules %s) -> problem %s', (kernel, modules, pattern) => {
    const r = parseKernelSpec(kernel, modules);
    expect(Array.isArray(r)).toBe(true);
    expect(fields(r).join('\n')).toMatch(pattern);
  });
});

describe('parseKernelList', () => {
  it('keeps the order of the matrix list', () => {
    expect(parseKernelList('5.10,6.1, 6.12,7.2').specs).toEqual([
      { kind: 'series', series: '5.10' },
      { kind: 'series', series: '6.1' },
      { kind: 'series', series: '6.12' },
      { kind: 'series', series: '7.2' },
    ]);
  });

  it('gives --modules to the one path in the list', () => {
    expect(parseKernelList('6.1,/k/vmlinuz', '/k/lib/modules/6.18.0')).toEqual({ problems: [], specs: [
      { kind: 'series', series: '6.1' },
      { kind: 'path', vmlinuz: '/k/vmlinuz', modulesDir: '/k/lib/modules/6.18.0' },
    ] });
  });

  it('reports every problem at once', () => {
    const r = parseKernelList('6.1,,6.1,bogus,/a,/b', '/m');
    expect(r.specs).toEqual([]);
    expect(fields(r.problems)).toEqual([
      '--kernel: 2 paths in one list; --modules can belong to one of them only',
      expect.stringMatching(/^--kernel: empty value/),
      '--kernel: "6.1" is listed twice',
      expect.stringMatching(/^--kernel: "bogus" is not a kernel/),
    ]);
  });

  it('rejects --modules without a path', () => {
    expect(fields(parseKernelList('6.1,6.12', '/m').problems)).toEqual(['--modules: only goes with a --kernel path']);
  });
});

describe('parseKernelSpec: meta packages', () => {
  it('rejects the series meta package linux-image-6.1-amd64 (no kernel inside)', () => {
    expect(Array.isArray(parseKernelSpec('linux-image-6.1-amd64'))).toBe(true);
  });
});
