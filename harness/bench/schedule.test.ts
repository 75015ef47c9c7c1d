import { describe, expect, it } from 'vitest';
import { counterbalancedOrder, fullSchedule } from './schedule.js';

describe('counterbalancedOrder', () => {
  it('runs arms in listed order in odd trials and reversed in even ones', () => {
    expect(counterbalancedOrder(1, 3)).toEqual([0, 1, 2]);
    expect(counterbalancedOrder(2, 3)).toEqual([2, 1, 0]);
    expect(counterbalancedOrder(3, 3)).toEqual([0, 1, 2]);
    expect(counterbalancedOrder(1, 0)).toEqual([]);
  });

  it('gives A B B A A B for two arms and three trials: each arm once per trial, mean position equal over pairs', () => {
    expect(fullSchedule(3, 2).map(([, a]) => 'AB'[a]).join('')).toBe('ABBAAB');
    const positions = (arm: number, trials: number) => fullSchedule(trials, 4).flatMap(([, a], i) => (a === arm ? [i % 4] : []));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    for (let a = 0; a < 4; a++) expect(mean(positions(a, 4))).toBe(1.5);
  });
});
