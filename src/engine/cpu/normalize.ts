/** Reference loops for the row L2 normalisation (the truth for kernels/normalize.wgsl). */
import type { CpuArray } from './pool';

/** norm[r] = sqrt(Σ x² + eps²), out = x / norm, per row of `cols`. */
export function l2Normalize(x: CpuArray, out: CpuArray, norm: CpuArray, rows: number, cols: number, eps: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) s += x[o + c] * x[o + c];
    const n = Math.sqrt(s + eps * eps);
    norm[r] = n;
    for (let c = 0; c < cols; c++) out[o + c] = x[o + c] / n;
  }
}

/** dx (+)= (dy − y·Σ dy·y) / norm per row, from the forward's output y and norm. */
export function l2NormalizeBackward(
  y: CpuArray,
  norm: CpuArray,
  dy: CpuArray,
  dx: CpuArray,
  rows: number,
  cols: number,
  accumulate: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += dy[o + c] * y[o + c];
    for (let c = 0; c < cols; c++) {
      const g = (dy[o + c] - y[o + c] * dot) / norm[r];
      dx[o + c] = accumulate ? dx[o + c] + g : g;
    }
  }
}
