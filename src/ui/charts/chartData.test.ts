import { describe, expect, it } from 'vitest';
import { MetricsBuffer } from '../../io/metrics';
import { alignedRows, formatNumber, hasValues, peakOf, pointBudget, shapeSeries, strided } from './chartData';

function buffer(n: number, f: (i: number) => Record<string, number>): MetricsBuffer {
  const b = new MetricsBuffer(16);
  for (let i = 0; i < n; i++) b.append({ step: i, ...f(i) });
  return b;
}

describe('chart data shaping', () => {
  it('gives at most two points per pixel', () => {
    const b = buffer(10_000, (i) => ({ loss: Math.sin(i) + 2 }));
    const s = shapeSeries(b, 'loss', { maxPoints: pointBudget(300), smoothing: 0.9, log: false });
    expect(s.raw.length).toBeLessThanOrEqual(600);
    expect(s.smooth.length).toBeLessThanOrEqual(600);
    expect(s.smooth[s.smooth.length - 1].x).toBe(9999); // the latest step is always drawn
    expect(pointBudget(0)).toBe(16);
  });

  it('smooths over the full resolution, and leaves smoothing out at 0', () => {
    const b = buffer(4, (i) => ({ loss: i % 2 === 0 ? 0 : 2 }));
    expect(shapeSeries(b, 'loss', { maxPoints: 100, smoothing: 0, log: false }).smooth).toEqual([]);
    const s = shapeSeries(b, 'loss', { maxPoints: 100, smoothing: 0.5, log: false });
    expect(s.smooth.map((p) => p.y)).toEqual([0, expect.closeTo(4 / 3, 10), expect.closeTo(4 / 7, 10), expect.closeTo(4 / 3, 10)]);
  });

  it('never smooths validation curves (sparse points), only training curves', () => {
    // Validation every 10 steps: its points, not an average lagging behind them.
    const b = buffer(50, (i) => ({ taskLoss: 3 - i / 25, ...(i % 10 === 9 ? { valLoss: 3 - i / 20, valAccuracy: i / 50 } : {}) }));
    for (const metric of ['valLoss', 'valAccuracy'] as const) {
      const s = shapeSeries(b, metric, { maxPoints: 100, smoothing: 0.9, log: false });
      expect(s.smoothed).toBe(false);
      expect(s.smooth).toEqual([]);
      expect(s.raw.map((p) => p.x)).toEqual([9, 19, 29, 39, 49]);
      expect(s.raw[4].y).toBeCloseTo(metric === 'valLoss' ? 3 - 49 / 20 : 49 / 50, 12);
    }
    const train = shapeSeries(b, 'taskLoss', { maxPoints: 100, smoothing: 0.9, log: false });
    expect(train.smoothed).toBe(true);
    expect(train.smooth).toHaveLength(50);
    expect(shapeSeries(b, 'taskLoss', { maxPoints: 100, smoothing: 0, log: false }).smoothed).toBe(false);
  });

  it('hides values ≤ 0 on a log scale and counts them', () => {
    const b = buffer(4, (i) => ({ lr: i - 1 }));
    const s = shapeSeries(b, 'lr', { maxPoints: 100, smoothing: 0, log: true });
    expect(s.raw.map((p) => p.y)).toEqual([1, 2]);
    expect(s.hiddenNonPositive).toBe(2);
  });

  it('aligns stacked columns on the step axis, missing values as 0', () => {
    const b = buffer(3, (i): Record<string, number> => (i === 1 ? {} : { memWeights: 10, memScratch: i }));
    expect(alignedRows(b, ['memWeights', 'memScratch'], 100)).toEqual([
      { step: 0, memWeights: 10, memScratch: 0 },
      { step: 2, memWeights: 10, memScratch: 2 },
    ]);
    expect(
      alignedRows(
        buffer(1000, () => ({ memWeights: 1 })),
        ['memWeights'],
        50,
      ).length,
    ).toBeLessThanOrEqual(51);
  });

  it('finds the peak and whether a column has data', () => {
    const b = buffer(5, (i) => ({ memPeak: [1, 5, 3, NaN, 2][i] }));
    expect(peakOf(b, 'memPeak')).toEqual({ step: 1, value: 5 });
    expect(peakOf(b, 'gpuMsForward')).toBeNull();
    expect(hasValues(b, 'gpuMsForward')).toBe(false);
  });

  it('strides keeping the last element and formats numbers', () => {
    expect(strided([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([1, 5, 7]);
    expect(formatNumber(3 * 1024 * 1024, 'bytes')).toBe('3.0 MiB');
    expect(formatNumber(0.1234, '%')).toBe('12.3%');
    expect(formatNumber(NaN)).toBe('–');
    expect(formatNumber(1e-5)).toBe('1.00e-5');
  });
});
