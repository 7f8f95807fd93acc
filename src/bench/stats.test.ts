import { describe, expect, it } from 'vitest';
import { fitPowerLaw, spreadOf } from './stats';

describe('fitPowerLaw', () => {
  const xs = [256, 512, 1024, 2048, 4096];
  it('recovers the exponents of exact power laws (1 for linear, 2 for quadratic, 0.5)', () => {
    for (const k of [1, 2, 0.5]) {
      const fit = fitPowerLaw(
        xs,
        xs.map((x) => 3 * x ** k),
      );
      expect(fit.exponent).toBeCloseTo(k, 10);
      expect(fit.coefficient).toBeCloseTo(3, 8);
      expect(fit.r2).toBeCloseTo(1, 12);
      expect(fit.points).toBe(5);
    }
  });
  it('a fixed cost plus a quadratic term fits below 2 at short lengths (why short CI runs show small exponents)', () => {
    const fit = fitPowerLaw(
      xs,
      xs.map((x) => 1e6 + x * x),
    );
    expect(fit.exponent).toBeGreaterThan(0);
    expect(fit.exponent).toBeLessThan(2);
  });
  it('refuses fewer than two lengths, non-positive values and mismatched lists, naming them', () => {
    expect(() => fitPowerLaw([256, 256], [1, 2])).toThrow(/two distinct lengths/);
    expect(() => fitPowerLaw([256, 512], [1, 0])).toThrow(/positive coordinates/);
    expect(() => fitPowerLaw([256], [1, 2])).toThrow(/1 lengths but 2 times/);
  });
});

describe('spreadOf', () => {
  it('gives median, quartiles (linear interpolation) and extremes', () => {
    expect(spreadOf([5, 1, 3, 2, 4])).toEqual({ median: 3, q1: 2, q3: 4, min: 1, max: 5, count: 5 });
    expect(spreadOf([1, 2]).median).toBe(1.5);
  });
  it('refuses an empty sample and non-finite values', () => {
    expect(() => spreadOf([])).toThrow(/no samples/);
    expect(() => spreadOf([1, NaN])).toThrow(/not finite/);
  });
});
