/**
 * Viridis, the colour-blind-safe perceptually uniform map of matplotlib (van der Walt & Smith),
 * as a 256-entry RGB lookup table. The table is evaluated from a degree-6 polynomial fit of
 * matplotlib's `_viridis_data` (Matt Zucker's fit, max error about 1/255 per channel), so no
 * 768-number table has to be pasted here; the test checks it against matplotlib's published
 * colours at 0, ¼, ½, ¾ and 1.
 */

const C: readonly (readonly [number, number, number])[] = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

function viridisAt(t: number): [number, number, number] {
  const rgb: [number, number, number] = [0, 0, 0];
  for (let ch = 0; ch < 3; ch++) {
    let v = 0;
    for (let k = C.length - 1; k >= 0; k--) v = v * t + C[k][ch];
    rgb[ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
  }
  return rgb;
}

/** 256 × RGB bytes: entry i is the colour of i/255. */
export const VIRIDIS_LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(viridisAt(i / 255), 3 * i);
  return lut;
})();

/** The LUT index of a value on a [lo, hi] scale (clamped; a degenerate scale maps to the middle; NaN to 0). */
export function lutIndex(value: number, lo: number, hi: number): number {
  if (Number.isNaN(value)) return 0;
  if (!(hi > lo)) return 128;
  const t = (value - lo) / (hi - lo);
  return Math.min(255, Math.max(0, Math.round(255 * t)));
}

/** CSS colour of a value on a [lo, hi] scale. */
export function cssColour(value: number, lo: number, hi: number): string {
  const i = 3 * lutIndex(value, lo, hi);
  return `rgb(${VIRIDIS_LUT[i]}, ${VIRIDIS_LUT[i + 1]}, ${VIRIDIS_LUT[i + 2]})`;
}

/** The finite min and max of some data (0, 0 when none are finite). */
export function finiteRange(data: ArrayLike<number>): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? { lo: 0, hi: 0 } : { lo, hi };
}

/**
 * RGBA pixels of a rows × cols matrix, block-averaged down to at most `maxSide` per side so a
 * 4096 × 4096 attention matrix does not become a 64 MiB image.
 */
export function matrixToRgba(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  lo: number,
  hi: number,
  maxSide = 1024,
): { width: number; height: number; pixels: Uint8ClampedArray } {
  if (data.length !== rows * cols)
    throw new Error(`matrix data has ${data.length} values, expected rows ${rows} × cols ${cols} = ${rows * cols}`);
  const fy = Math.max(1, Math.ceil(rows / maxSide));
  const fx = Math.max(1, Math.ceil(cols / maxSide));
  const height = Math.ceil(rows / fy);
  const width = Math.ceil(cols / fx);
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      let sum = 0;
      let count = 0;
      for (let r = py * fy; r < Math.min(rows, (py + 1) * fy); r++) {
        for (let c = px * fx; c < Math.min(cols, (px + 1) * fx); c++) {
          const v = data[r * cols + c];
          if (Number.isFinite(v)) {
            sum += v;
            count++;
          }
        }
      }
      const li = 3 * lutIndex(count === 0 ? NaN : sum / count, lo, hi);
      const o = 4 * (py * width + px);
      pixels[o] = VIRIDIS_LUT[li];
      pixels[o + 1] = VIRIDIS_LUT[li + 1];
      pixels[o + 2] = VIRIDIS_LUT[li + 2];
      pixels[o + 3] = 255;
    }
  }
  return { width, height, pixels };
}
