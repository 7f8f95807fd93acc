/**
 * Drawing at the anti-aliasing scale and downsampling, as LRA's generator draws with PIL at
 * 2× and resizes: dashes are lines of the paddle thickness with analytic coverage (distance
 * from each supersampled pixel centre to the segment, a one-pixel linear ramp at the edge),
 * markers are filled discs, strokes combine by pixel-wise max, the 2× image is box-filtered
 * down, and the result is min–max rescaled to 0–255 as old `scipy.misc.imsave` did.
 */

import { pointSegmentDistance, type Segment } from './geometry';

export class Canvas {
  readonly data: Float32Array;
  readonly width: number;

  /** A blank canvas for an image of `size` pixels drawn at `scale`× supersampling. */
  constructor(
    readonly size: number,
    readonly scale: number,
  ) {
    this.width = size * scale;
    this.data = new Float32Array(this.width * this.width);
  }

  /** Draws a dash of `thickness` (final-image pixels) with the given intensity. */
  line(s: Segment, thickness: number, intensity: number): void {
    const k = this.scale;
    const hw = (thickness * k) / 2;
    const x0 = s.x0 * k,
      y0 = s.y0 * k,
      x1 = s.x1 * k,
      y1 = s.y1 * k;
    const r = hw + 1;
    this.cover(
      Math.min(x0, x1) - r,
      Math.max(x0, x1) + r,
      Math.min(y0, y1) - r,
      Math.max(y0, y1) + r,
      intensity,
      (cx, cy) => hw + 0.5 - pointSegmentDistance(cx, cy, x0, y0, x1, y1),
    );
  }

  /** Draws a filled disc of `radius` (final-image pixels) centred at (x, y). */
  disc(x: number, y: number, radius: number, intensity: number): void {
    const k = this.scale;
    const cx0 = x * k,
      cy0 = y * k,
      rr = radius * k;
    this.cover(cx0 - rr - 1, cx0 + rr + 1, cy0 - rr - 1, cy0 + rr + 1, intensity, (cx, cy) => rr + 0.5 - Math.hypot(cx - cx0, cy - cy0));
  }

  private cover(xa: number, xb: number, ya: number, yb: number, intensity: number, edge: (cx: number, cy: number) => number): void {
    const W = this.width;
    const i0 = Math.max(0, Math.floor(xa)),
      i1 = Math.min(W - 1, Math.ceil(xb));
    const j0 = Math.max(0, Math.floor(ya)),
      j1 = Math.min(W - 1, Math.ceil(yb));
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const c = edge(i + 0.5, j + 0.5);
        if (c <= 0) continue;
        const v = Math.min(c, 1) * intensity;
        const p = j * W + i;
        if (v > this.data[p]) this.data[p] = v;
      }
    }
  }

  /** The image: box-filtered down to size×size and rescaled so its maximum is 255 (row-major bytes). */
  toPixels(): Uint8Array {
    const n = this.size,
      k = this.scale,
      W = this.width;
    const small = new Float32Array(n * n);
    let max = 0;
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        let s = 0;
        for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) s += this.data[(y * k + dy) * W + x * k + dx];
        const v = s / (k * k);
        small[y * n + x] = v;
        if (v > max) max = v;
      }
    }
    const out = new Uint8Array(n * n);
    if (max > 0) for (let p = 0; p < n * n; p++) out[p] = Math.round((255 * small[p]) / max);
    return out;
  }
}
