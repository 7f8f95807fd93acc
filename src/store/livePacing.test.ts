import { describe, expect, it } from 'vitest';
import { measuredPace, MIN_INTERVAL_MS, nextIntervalMs, VIEWS_SHARE } from './livePacing';

describe('live views pacing', () => {
  it('waits long enough that views cost at most their share, and at least the minimum', () => {
    expect(nextIntervalMs(10)).toBe(MIN_INTERVAL_MS);
    const wait = nextIntervalMs(1000);
    expect(1000 / (1000 + wait)).toBeCloseTo(VIEWS_SHARE, 10);
    expect(nextIntervalMs(Number.NaN)).toBe(MIN_INTERVAL_MS);
    expect(() => nextIntervalMs(10, 0)).toThrow(/views share must be in \(0, 1\), got 0/);
  });

  it('measures the share of wall time and the steps between refreshes', () => {
    expect(measuredPace([{ at: 0, step: 0, computeMs: 100 }])).toBeNull();
    const pace = measuredPace([
      { at: 0, step: 0, computeMs: 100 },
      { at: 2000, step: 10, computeMs: 200 },
      { at: 4000, step: 20, computeMs: 200 },
    ]);
    expect(pace).toEqual({ share: 0.1, steps: 10 });
  });
});
