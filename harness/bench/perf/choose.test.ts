import { describe, expect, it } from 'vitest';
import { chooseAgentVariant } from './choose.js';

const v = (processes: number, mean: number) => ({ processes, requestsPerSec: { mean } });

describe('chooseAgentVariant', () => {
  it('keeps one process when it reaches wrk', () => {
    expect(chooseAgentVariant([v(1, 100), v(2, 150)], 100).processes).toBe(1);
  });
  it('takes the fastest when one process falls short', () => {
    expect(chooseAgentVariant([v(2, 120), v(1, 90)], 100).processes).toBe(2);
  });
  it('stays with one process when more do not help', () => {
    expect(chooseAgentVariant([v(1, 90), v(2, 80)], 100).processes).toBe(1);
  });
});
