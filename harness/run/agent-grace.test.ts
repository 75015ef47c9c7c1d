import { describe, expect, it } from 'vitest';
import { agentGraceMs } from './arm.js';

describe('agentGraceMs (RESETLAB_AGENT_GRACE_MS)', () => {
  it.each<[string | undefined, number]>([
    [undefined, 15_000],
    ['90000', 90_000],
    ['1000', 1_000],
    ['600000', 600_000],
    ['999', 15_000],
    ['600001', 15_000],
    ['1.5e4', 15_000],
    ['15000.5', 15_000],
    ['lots', 15_000],
    ['', 15_000],
  ])('%s -> %d ms', (value, want) => expect(agentGraceMs(value)).toBe(want));
});
