import { describe, expect, it } from 'vitest';
import { formatInterval, mean, pairedDifference, sampleSd, studentTCdf, studentTQuantile, tInterval } from './stats';

describe('Student t', () => {
  // Two-sided 95 % quantiles from statistical tables (scipy.stats.t.ppf(0.975, df)).
  const table: [number, number][] = [
    [1, 12.706204736],
    [2, 4.30265273],
    [3, 3.182446305],
    [4, 2.776445105],
    [9, 2.262157163],
    [29, 2.045229642],
    [1000, 1.962339],
  ];
  it.each(table)('t_{0.975, %i} = %f', (df, q) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(q, 5);
  });
  it('the CDF is symmetric and known at a few points', () => {
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 10); // Cauchy: 1/2 + atan(1)/π
    expect(studentTCdf(-2, 7) + studentTCdf(2, 7)).toBeCloseTo(1, 12);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776445105, 6);
  });
});

describe('intervals', () => {
  it('known sample: [1, 2, 3, 4, 5] → 3 ± 1.963', () => {
    expect(mean([1, 2, 3, 4, 5])).toBe(3);
    expect(sampleSd([1, 2, 3, 4, 5])).toBeCloseTo(Math.sqrt(2.5), 12);
    const i = tInterval([1, 2, 3, 4, 5]);
    expect(i.half).toBeCloseTo(2.776445105 * Math.sqrt(2.5 / 5), 6);
    expect(i.lo).toBeCloseTo(1.036757, 5);
    expect(i.hi).toBeCloseTo(4.963243, 5);
    expect(formatInterval(i)).toBe('3.000 ± 1.963');
  });
  it('three seeds of accuracies give the wide interval that three seeds deserve', () => {
    const i = tInterval([0.31, 0.34, 0.33]);
    expect(i.mean).toBeCloseTo(0.326667, 6);
    expect(i.half).toBeCloseTo(4.30265273 * (0.015275252 / Math.sqrt(3)), 6);
  });
  it('one seed has no interval, and says so', () => {
    const i = tInterval([0.5]);
    expect(Number.isNaN(i.half)).toBe(true);
    expect(formatInterval(i)).toBe('0.500 (1 seed, no interval)');
  });
  it('refuses non-finite samples and empty ones', () => {
    expect(() => tInterval([1, Number.NaN])).toThrow(/not finite/);
    expect(() => tInterval([])).toThrow(/no samples/);
  });
});

describe('paired differences', () => {
  it('a consistent small gain over the same seeds is told apart although the raw intervals overlap', () => {
    const base = [0.3, 0.4, 0.35, 0.45, 0.38];
    const better = base.map((x) => x + 0.02 + (x > 0.39 ? 0.002 : -0.002));
    const d = pairedDifference(better, base);
    expect(d.mean).toBeCloseTo(0.02, 3);
    expect(d.includesZero).toBe(false);
    const raw = [tInterval(better), tInterval(base)];
    expect(raw[0].lo).toBeLessThan(raw[1].hi); // unpaired intervals overlap
  });
  it('noise around zero includes 0', () => {
    expect(pairedDifference([0.5, 0.4, 0.6], [0.45, 0.47, 0.55]).includesZero).toBe(true);
  });
  it('refuses unpaired samples', () => {
    expect(() => pairedDifference([1, 2], [1])).toThrow(/same seeds/);
  });
});
