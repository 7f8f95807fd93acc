/**
 * TensorBoard's smoothing: an exponential moving average, debiased like Adam's moments so the
 * first points are not pulled towards zero. Non-finite values pass through and do not enter
 * the average (a NaN loss stays visible instead of poisoning the rest of the curve).
 */

/** Smooth `ys` with weight `w` in [0, 1): 0 = raw, 0.99 = very smooth. */
export function smoothEma(ys: readonly number[], w: number): number[] {
  if (!(w >= 0 && w < 1)) throw new Error(`smoothing weight ${w} is outside [0, 1)`);
  const out = new Array<number>(ys.length);
  let last = 0;
  let count = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    count++;
    out[i] = w === 0 ? y : last / (1 - w ** count);
  }
  return out;
}
