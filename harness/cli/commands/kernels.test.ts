import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { fetchSpecs } from './kernels.js';

describe('kernels fetch arguments', () => {
  it('takes several arguments and comma lists', () => {
    expect(fetchSpecs(['5.10,6.1', '6.12.117-1', 'linux-image-7.2.13+deb14-amd64'])).toEqual([
      { kind: 'series', series: '5.10' },
      { kind: 'series', series: '6.1' },
      { kind: 'package', version: '6.12.117-1' },
      { kind: 'package', version: 'linux-image-7.2.13+deb14-amd64' },
    ]);
  });

  it.each([
    [['/boot/vmlinuz'], /<kernel>: \/boot\/vmlinuz is a path: only Debian kernels are fetched and cached/],
    [['6', 'latest'], /<kernel>: "6" is not a kernel[\s\S]*<kernel>: "latest" is not a kernel/],
    [['6.1', '6.1'], /<kernel>: "6\.1" is listed twice/],
  ])('%j -> exit 2: %s', (args, pattern) => {
    expect(() => fetchSpecs(args)).toThrow(InputError);
    expect(() => fetchSpecs(args)).toThrow(pattern);
  });
});
