import { describe, expect, it } from 'vitest';
import { smoothEma } from './smoothing';

describe('TensorBoard smoothing (debiased EMA)', () => {
  it('is the identity at weight 0 and debiased from the first point', () => {
    expect(smoothEma([3, 1, 4], 0)).toEqual([3, 1, 4]);
    // Debiasing: the first smoothed value equals the first raw value, whatever the weight.
    expect(smoothEma([5, 5, 5], 0.9)).toEqual([5, 5, 5].map(() => expect.closeTo(5, 12)));
  });

  it('matches the recurrence by hand', () => {
    const w = 0.6;
    const [a, b] = smoothEma([1, 3], w);
    expect(a).toBeCloseTo(1, 12);
    // last = (1-w)·1 = 0.4 → ·w + (1-w)·3 = 0.24 + 1.2 = 1.44, debias 1 − 0.36 = 0.64 → 2.25
    expect(b).toBeCloseTo(1.44 / 0.64, 12);
  });

  it('passes NaN and Infinity through without poisoning later points', () => {
    const out = smoothEma([1, NaN, 1, Infinity, 1], 0.5);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[3]).toBe(Infinity);
    expect(out[4]).toBeCloseTo(1, 12);
  });

  it('refuses a weight outside [0, 1)', () => {
    expect(() => smoothEma([1], 1)).toThrow(/smoothing weight 1 is outside \[0, 1\)/);
    expect(() => smoothEma([1], -0.1)).toThrow(/outside/);
  });
});
