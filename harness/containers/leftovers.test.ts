import { describe, expect, it } from 'vitest';
import { byPrefix } from './leftovers.js';

describe('byPrefix', () => {
  it('groups by run prefix, sorted by prefix then name', () => {
    const c = (prefix: string, name: string) => ({ id: name, prefix, name, state: 'running' });
    const grouped = byPrefix([c('rl-222222', 'rl-222222-load-2'), c('rl-111111', 'rl-111111-server-1'), c('rl-222222', 'rl-222222-inject-1')]);
    expect([...grouped.keys()]).toEqual(['rl-111111', 'rl-222222']);
    expect(grouped.get('rl-222222')!.map((x) => x.name)).toEqual(['rl-222222-inject-1', 'rl-222222-load-2']);
  });
  it('nothing labelled, nothing grouped', () => {
    expect(byPrefix([]).size).toBe(0);
  });
});
