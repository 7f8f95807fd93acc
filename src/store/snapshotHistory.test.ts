import { describe, expect, it } from 'vitest';
import { bytesOfViews, MAX_SNAPSHOTS, nearestSnapshot, snapshotCapacity, SnapshotHistory } from './snapshotHistory';
import type { AttentionViews } from './attentionViews';

describe('snapshot history', () => {
  it('keeps every refresh until full, then thins evenly and never holds more than its capacity', () => {
    const h = new SnapshotHistory<number>(8);
    for (let i = 0; i < 7; i++) h.add(i);
    expect(h.list()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    h.add(7); // the eighth kept one: thinned to every second, stride 2; the newest stays the last frame
    expect(h.list()).toEqual([0, 2, 4, 6, 7]);
    expect(h.every).toBe(2);
    h.add(8);
    h.add(9); // not on the stride: shown as the last frame until the next one replaces it
    expect(h.list()).toEqual([0, 2, 4, 6, 8, 9]);
    for (let i = 10; i < 1000; i++) {
      h.add(i);
      expect(h.list().length).toBeLessThanOrEqual(8);
      expect(h.list().at(-1)).toBe(i);
    }
    const kept = h.list().slice(0, -1);
    const gaps = kept.slice(1).map((x, i) => x - kept[i]);
    expect(new Set(gaps).size).toBe(1); // evenly spaced
    expect(kept[0]).toBe(0); // from the start of the run
  });

  it('keeps one frame per step: a second refresh of the same step replaces the newest', () => {
    const h = new SnapshotHistory<{ step: number; v: string }>(8);
    const sameStep = (x: { step: number }) => (n: { step: number }) => n.step === x.step;
    for (const x of [
      { step: 0, v: 'a' },
      { step: 0, v: 'b' },
      { step: 5, v: 'c' },
    ])
      h.add(x, sameStep(x));
    expect(h.list()).toEqual([
      { step: 0, v: 'b' },
      { step: 5, v: 'c' },
    ]);
    // Without the rule every refresh is a frame.
    h.add({ step: 5, v: 'd' });
    expect(h.list().map((x) => x.v)).toEqual(['b', 'c', 'd']);
  });

  it('sizes the capacity by the bytes of one snapshot, between 2 and the maximum', () => {
    expect(snapshotCapacity(1000)).toBe(MAX_SNAPSHOTS);
    expect(snapshotCapacity(10 * 1024 * 1024)).toBe(6);
    expect(snapshotCapacity(1e12)).toBe(2);
    expect(() => new SnapshotHistory(1)).toThrow(/capacity must be an integer ≥ 2, got 1/);
  });

  it('counts the bytes of every matrix and residual list', () => {
    const m = (r: number, c: number) => ({ rows: r, cols: c, data: new Float32Array(r * c) });
    const v = {
      example: { index: 0, tokens: new Int32Array(4), label: 0 },
      heads: [[{ kernel2: m(2, 2), z: m(2, 2), pinvResidual: [1, 2, 3], queryMeanOffDiagonal: 0.5 }]],
    } as unknown as AttentionViews;
    expect(bytesOfViews(v)).toBe(16 + 16 + 16 + 24);
  });

  it('finds the snapshot nearest to a step, or the latest', () => {
    const s = [{ step: 0 }, { step: 10 }, { step: 30 }];
    expect(nearestSnapshot(s, 18)).toBe(s[1]);
    expect(nearestSnapshot(s, 25)).toBe(s[2]);
    expect(nearestSnapshot(s, null)).toBe(s[2]);
    expect(nearestSnapshot([], 3)).toBeUndefined();
  });
});
