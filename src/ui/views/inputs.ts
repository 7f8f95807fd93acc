/** What the attention overlays draw the weights over: the input as tokens or as a picture. */
import { listOpsToText, pixelTokensToRgba, type RgbaImage } from '../../data/render';
import type { Task } from '../../config';
import { VIRIDIS_LUT } from './colormap';

/** One label per token position for sequence tasks (ListOps symbols, bytes as characters). */
export function tokenLabels(task: Task, tokens: Int32Array, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = i < tokens.length ? tokens[i] : 0;
    if (t === 0) out.push('·');
    else if (task === 'listops') out.push(listOpsToText([t]));
    else if (t >= 33 && t <= 127) out.push(String.fromCharCode(t - 1));
    else out.push(`\\x${(t - 1).toString(16).padStart(2, '0')}`);
  }
  return out;
}

/**
 * The input picture with one landmark's or proxy's attention over it: the K3 row (weights over
 * the n token positions) scaled from the row's minimum to its maximum, as viridis, blended over
 * the grey input by that scaled weight, so the input stays visible where attention is low.
 */
export function overlayImage(tokens: Int32Array, side: number, weights: ArrayLike<number>): RgbaImage {
  const padded = new Int32Array(side * side);
  padded.set(tokens.subarray(0, side * side));
  const base = pixelTokensToRgba(padded, side, side);
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < side * side && p < weights.length; p++) {
    lo = Math.min(lo, weights[p]);
    hi = Math.max(hi, weights[p]);
  }
  for (let p = 0; p < side * side; p++) {
    const w = p < weights.length && hi > lo ? (weights[p] - lo) / (hi - lo) : 0;
    const li = 3 * Math.round(255 * w);
    const a = 0.15 + 0.75 * w;
    for (let ch = 0; ch < 3; ch++) base.data[4 * p + ch] = Math.round((1 - a) * base.data[4 * p + ch] + a * VIRIDIS_LUT[li + ch]);
  }
  return base;
}
