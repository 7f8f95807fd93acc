import { describe, expect, it } from 'vitest';
import { VIRIDIS_LUT } from './colormap';
import { overlayImage, tokenLabels } from './inputs';

const at = (i: number) => Array.from(VIRIDIS_LUT.slice(3 * i, 3 * i + 3));

describe('K3 row over the input picture', () => {
  it('scales the row from its minimum to its maximum and keeps the picture where weights are low', () => {
    const img = overlayImage(Int32Array.from([1, 256, 1, 256]), 2, [0.2, 0.2, 0.4, 0.2]);
    expect([img.width, img.height]).toEqual([2, 2]);
    // Pixel 2 carries the row's maximum: pure top of the colour map at 90% over a black pixel.
    expect(Array.from(img.data.slice(8, 11))).toEqual(at(255).map((v) => Math.round(0.9 * v)));
    // Pixel 1 (white input, lowest weight): mostly the input, 15% of the map's bottom colour.
    expect(Array.from(img.data.slice(4, 7))).toEqual(at(0).map((v) => Math.round(0.85 * 255 + 0.15 * v)));
  });
});

describe('token labels for the K3 strip', () => {
  it('shows ListOps symbols, printable bytes as characters, others as escapes, padding as a dot', () => {
    expect(tokenLabels('listops', Int32Array.from([12, 1, 10, 15]), 5)).toEqual(['[MAX', '0', '9', ']', '·']);
    expect(tokenLabels('text', Int32Array.from([66, 11, 0]), 3)).toEqual(['A', '\\x0a', '·']);
  });
});
