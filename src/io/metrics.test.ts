import { describe, expect, it } from 'vitest';
import { METRIC_COLUMNS, MetricsBuffer } from './metrics';

describe('MetricsBuffer', () => {
  it('keeps every row at full resolution across growth', () => {
    const b = new MetricsBuffer(16);
    for (let s = 1; s <= 1000; s++) b.append({ step: s, loss: 1 / s, valAccuracy: s % 100 === 0 ? s / 1000 : undefined });
    expect(b.length).toBe(1000);
    expect(b.column('loss')[499]).toBeCloseTo(1 / 500, 12);
    expect(b.last('valAccuracy')).toBeCloseTo(1, 12);
    expect(Number.isNaN(b.column('valAccuracy')[0])).toBe(true);
  });

  it('downsamples to the point budget and keeps spikes', () => {
    const b = new MetricsBuffer();
    for (let s = 0; s < 10_000; s++) b.append({ step: s, loss: s === 7777 ? 50 : 1 });
    const pts = b.downsample('step', 'loss', 400);
    expect(pts.length).toBeLessThanOrEqual(400);
    expect(pts.some((p) => p.y === 50 && p.x === 7777)).toBe(true);
    for (let i = 1; i < pts.length; i++) expect(pts[i].x).toBeGreaterThan(pts[i - 1].x);
  });

  it('leaves out NaN points and returns everything when under budget', () => {
    const b = new MetricsBuffer();
    b.append({ step: 1, valLoss: 2 });
    b.append({ step: 2 });
    b.append({ step: 3, valLoss: 1 });
    expect(b.downsample('step', 'valLoss', 100)).toEqual([
      { x: 1, y: 2 },
      { x: 3, y: 1 },
    ]);
  });

  it('round-trips through CSV, with empty cells for missing values', () => {
    const b = new MetricsBuffer();
    b.append({ step: 1, loss: 2.5, lr: 1e-4 });
    b.append({ step: 2, loss: Infinity });
    const csv = b.toCsv();
    expect(csv.split('\n')[0]).toBe(METRIC_COLUMNS.join(','));
    const back = MetricsBuffer.fromCsv(csv);
    expect(back.length).toBe(2);
    expect(back.column('loss')[0]).toBe(2.5);
    expect(back.column('lr')[0]).toBeCloseTo(1e-4, 10);
    expect(back.column('loss')[1]).toBe(Infinity);
    expect(Number.isNaN(back.column('lr')[1])).toBe(true);
  });

  it('gives rows back with their filled columns only', () => {
    const b = new MetricsBuffer();
    b.append({ step: 1, loss: 2 });
    b.append({ step: 2, valAccuracy: 0.5 });
    expect(b.rows()).toEqual([
      { step: 1, loss: 2 },
      { step: 2, valAccuracy: 0.5 },
    ]);
    expect(b.row(1)).toEqual({ step: 2, valAccuracy: 0.5 });
  });
});
