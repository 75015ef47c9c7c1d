import { describe, expect, it } from 'vitest';
import { compareDebianVersions } from './debian-version.js';

describe('compareDebianVersions', () => {
  it.each([
    ['6.1.192-2', '6.1.192-2', 0],
    ['6.1.192-2', '6.1.180-1~deb11u1', 1],
    ['6.12.117-1', '6.12.117-1~deb12u1', 1], // the suite's own build beats the backport
    ['6.12.117-1~deb12u1', '6.12.115-1~deb12u1', 1],
    ['6.12.9-1', '6.12.10-1', -1], // digit runs compare numerically
    ['5.10.262-1', '5.10.223-1', 1],
    ['7.2.13-1', '6.12.117-1', 1],
    ['1:1.0-1', '2.0-1', 1], // epoch wins
    ['1.0~rc1-1', '1.0-1', -1], // ~ sorts before the end
    ['1.0a-1', '1.0+-1', -1], // letters before other characters
    ['1.0', '1.0-0', 0], // a missing revision is 0
    ['6.1.192-2', '6.1.192-10', -1],
  ])('%s vs %s -> sign %i', (a, b, sign) => {
    expect(Math.sign(compareDebianVersions(a, b))).toBe(sign);
    expect(Math.sign(compareDebianVersions(b, a))).toBe(-sign || 0);
  });

  it('sorts a list of captured kernel versions', () => {
    const sorted = ['6.1.192-2', '6.1.0-0', '6.1.180-1~deb11u1', '6.1.158-1'].sort(compareDebianVersions);
    expect(sorted).toEqual(['6.1.0-0', '6.1.158-1', '6.1.180-1~deb11u1', '6.1.192-2']);
  });
});
