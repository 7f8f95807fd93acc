import { describe, expect, it } from 'vitest';
import { cssColour, finiteRange, lutIndex, matrixToRgba, VIRIDIS_LUT } from './colormap';

const at = (i: number) => Array.from(VIRIDIS_LUT.slice(3 * i, 3 * i + 3));
/** matplotlib's viridis at 0, ¼, ½, ¾ and 1: `cm.viridis(t)` reads entry floor(256·t) (#440154, #3b528b, #21918c, #5ec962, #fde725). */
const MATPLOTLIB: [number, number[]][] = [
  [0, [68, 1, 84]],
  [64, [59, 82, 139]],
  [128, [33, 145, 140]],
  [192, [94, 201, 98]],
  [255, [253, 231, 37]],
];

describe('viridis colour map', () => {
  it('matches matplotlib within 4/255 at the endpoints and quartiles', () => {
    expect(VIRIDIS_LUT.length).toBe(768);
    for (const [i, rgb] of MATPLOTLIB)
      for (const [ch, v] of at(i).entries()) expect(Math.abs(v - rgb[ch]), `entry ${i} channel ${ch}`).toBeLessThanOrEqual(4);
  });

  it('gets brighter monotonically (luminance), as a sequential map must', () => {
    let last = -1;
    for (let i = 0; i < 256; i += 8) {
      const [r, g, b] = at(i);
      const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      expect(lum).toBeGreaterThan(last);
      last = lum;
    }
  });

  it('maps values onto the scale, clamps, and handles degenerate scales', () => {
    expect(lutIndex(0, 0, 1)).toBe(0);
    expect(lutIndex(1, 0, 1)).toBe(255);
    expect(lutIndex(2, 0, 1)).toBe(255);
    expect(lutIndex(-1, 0, 1)).toBe(0);
    expect(lutIndex(5, 5, 5)).toBe(128);
    expect(cssColour(1, 0, 1)).toBe(`rgb(${at(255).join(', ')})`);
    expect(finiteRange([NaN, 3, -2, Infinity])).toEqual({ lo: -2, hi: 3 });
  });

  it('turns a matrix into pixels and block-averages large ones', () => {
    const img = matrixToRgba(new Float32Array([0, 1, 1, 0]), 2, 2, 0, 1);
    expect([img.width, img.height]).toEqual([2, 2]);
    expect(Array.from(img.pixels.slice(0, 4))).toEqual([...at(0), 255]);
    expect(Array.from(img.pixels.slice(4, 8))).toEqual([...at(255), 255]);
    const big = matrixToRgba(new Float32Array(8 * 4).fill(0.5), 8, 4, 0, 1, 2);
    expect([big.width, big.height]).toEqual([2, 2]);
    expect(() => matrixToRgba(new Float32Array(3), 2, 2, 0, 1)).toThrow(/3 values, expected rows 2 × cols 2 = 4/);
  });
});
