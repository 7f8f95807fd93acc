/** Small statistics for the benchmark: order statistics of repeated timings and the log–log growth fit. */

/** Median, quartiles and extremes of a sample. */
export interface Spread {
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
  /** How many samples. */
  count: number;
}

/** The value at fraction p of the sorted sample, linear between neighbours (NumPy's default). */
function quantile(sorted: readonly number[], p: number): number {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Median, interquartile range and min/max of `samples` (at least one, all finite). */
export function spreadOf(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('spreadOf: no samples (repeats must be at least 1)');
  for (const s of samples) if (!Number.isFinite(s)) throw new Error(`spreadOf: sample ${s} is not finite`);
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    count: sorted.length,
  };
}

/** A power law y ≈ c·x^exponent fitted by least squares on (log x, log y). */
export interface PowerFit {
  exponent: number;
  /** The constant c. */
  coefficient: number;
  /** Coefficient of determination of the log–log line (1 for an exact power law). */
  r2: number;
  points: number;
}

/**
 * Fit time ∝ length^k on log–log axes (ordinary least squares). Needs at least two distinct
 * positive lengths; the exponent says how time grows: about 1 for linear attention, 2 for softmax.
 */
export function fitPowerLaw(xs: readonly number[], ys: readonly number[]): PowerFit {
  if (xs.length !== ys.length) throw new Error(`fitPowerLaw: ${xs.length} lengths but ${ys.length} times`);
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i] > 0) || !(ys[i] > 0))
      throw new Error(`fitPowerLaw: point ${i} (${xs[i]}, ${ys[i]}) must have positive coordinates for a log–log fit`);
  }
  if (new Set(xs).size < 2) throw new Error(`fitPowerLaw: needs at least two distinct lengths, got ${JSON.stringify(xs)}`);
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const n = lx.length;
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
    syy += (ly[i] - my) ** 2;
  }
  const exponent = sxy / sxx;
  const intercept = my - exponent * mx;
  let ssRes = 0;
  for (let i = 0; i < n; i++) ssRes += (ly[i] - (intercept + exponent * lx[i])) ** 2;
  // A flat series (syy = 0) is fitted exactly by exponent 0.
  const r2 = syy === 0 ? 1 : 1 - ssRes / syy;
  return { exponent, coefficient: Math.exp(intercept), r2, points: n };
}
