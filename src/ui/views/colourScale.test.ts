/**
 * The heatmap colour scale: own min–max, the natural absolute range of probabilities and cosines
 * (and the own range, said so, for maps without one), one shared range over layers and heads,
 * and the "nearly flat" notice that keeps a nearly uniform K2 from reading as a pattern.
 */
import { describe, expect, it } from 'vitest';
import { colourScale, FLAT_RELATIVE_RANGE, flatNotice, sharedRange } from './colourScale';

const nearlyUniform = Float32Array.from([0.061, 0.0625, 0.064, 0.0625]); // K2 rows near 1/16
const peaked = Float32Array.from([0.9, 0.05, 0.03, 0.02]);

describe('colourScale', () => {
  it('own: the finite min–max of the map', () => {
    expect(colourScale(Float32Array.from([0.2, Number.NaN, 0.5, Number.POSITIVE_INFINITY]), 'own', 'probability')).toEqual({
      lo: expect.closeTo(0.2, 6),
      hi: 0.5,
      basis: 'own min–max',
    });
  });

  it('absolute: 0–1 for probabilities, −1–1 for cosines; a map without a natural range keeps its own and says so', () => {
    expect(colourScale(nearlyUniform, 'absolute', 'probability')).toEqual({ lo: 0, hi: 1, basis: 'absolute 0 to 1' });
    expect(colourScale(peaked, 'absolute', 'cosine')).toEqual({ lo: -1, hi: 1, basis: 'absolute -1 to 1' });
    const z = colourScale(Float32Array.from([-3, 7]), 'absolute', 'free');
    expect([z.lo, z.hi, z.basis]).toEqual([-3, 7, 'own min–max (no natural range)']);
  });

  it('shared: the range over all maps of the factor; without one, the own range, said so', () => {
    const shared = sharedRange([nearlyUniform, peaked, undefined, Float32Array.from([Number.NaN])]);
    expect(shared?.lo).toBeCloseTo(0.02, 6);
    expect(shared?.hi).toBeCloseTo(0.9, 6);
    expect(colourScale(nearlyUniform, 'shared', 'probability', shared)).toMatchObject({ basis: 'shared over layers and heads' });
    expect(colourScale(nearlyUniform, 'shared', 'probability', shared).hi).toBeCloseTo(0.9, 6);
    expect(colourScale(peaked, 'shared', 'probability').basis).toBe('own min–max (nothing to share with)');
    expect(sharedRange([Float32Array.from([Number.NaN]), undefined])).toBeUndefined();
  });
});

describe('flatNotice', () => {
  it('flags a nearly uniform K2 with its values and relative range, not a peaked one', () => {
    expect(flatNotice(nearlyUniform)).toBe('nearly flat: values 0.0610 to 0.0640 (range 0.00300, 4.7% of the largest)');
    expect(flatNotice(peaked)).toBeNull();
  });

  it('the threshold is relative to the largest magnitude: just under flags, just over does not', () => {
    const under = Float32Array.from([1, 1 - FLAT_RELATIVE_RANGE * 0.9]);
    const over = Float32Array.from([1, 1 - FLAT_RELATIVE_RANGE * 1.1]);
    expect(flatNotice(under)).toMatch(/^nearly flat/);
    expect(flatNotice(over)).toBeNull();
    // Negative values count by magnitude (a flat map of −5s is flat).
    expect(flatNotice(Float32Array.from([-5, -5.01]))).toMatch(/^nearly flat/);
  });

  it('an all-zero map is flat, a map without finite values has no notice', () => {
    expect(flatNotice(new Float32Array(4))).toBe('nearly flat: every value is 0');
    expect(flatNotice(Float32Array.from([Number.NaN]))).toBeNull();
  });
});
