/**
 * The statistics a study reports: mean ± a 95 % Student-t confidence interval over seeds, and
 * the paired difference against a baseline (same seeds on both sides, so seed-to-seed noise
 * shared by both configurations cancels). With 3–5 seeds the t quantile is far from 1.96
 * (4.30 for 3 seeds, 2.78 for 5): a normal interval would claim differences the data do not show.
 */

/** Arithmetic mean (at least one sample). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('mean: no samples');
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n − 1 in the denominator; 0 for one sample). */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularised incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`studentTCdf: degrees of freedom must be positive, got ${df}`);
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (bisection on the CDF, to 1e-12). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A mean with its two-sided confidence interval. */
export interface Interval {
  n: number;
  mean: number;
  sd: number;
  /** Half-width: t_{(1+level)/2, n−1} · sd / √n (NaN with one sample: no interval from one seed). */
  half: number;
  lo: number;
  hi: number;
  level: number;
}

/** Mean ± the Student-t confidence interval of `xs` (95 % unless given). */
export function tInterval(xs: readonly number[], level = 0.95): Interval {
  for (const x of xs) if (!Number.isFinite(x)) throw new Error(`tInterval: sample ${x} is not finite`);
  const n = xs.length;
  const m = mean(xs);
  const sd = sampleSd(xs);
  const half = n < 2 ? NaN : (studentTQuantile((1 + level) / 2, n - 1) * sd) / Math.sqrt(n);
  return { n, mean: m, sd, half, lo: m - half, hi: m + half, level };
}

/** The paired difference a − b over the same seeds, and what it says. */
export interface PairedDifference extends Interval {
  /** The interval contains 0: the data do not tell the two apart at this level. */
  includesZero: boolean;
}

/** Paired comparison: a[i] and b[i] come from the same seed. */
export function pairedDifference(a: readonly number[], b: readonly number[], level = 0.95): PairedDifference {
  if (a.length !== b.length)
    throw new Error(`pairedDifference: ${a.length} values against ${b.length}; a paired comparison needs the same seeds on both sides`);
  const d = tInterval(
    a.map((x, i) => x - b[i]),
    level,
  );
  return { ...d, includesZero: !(d.lo > 0 || d.hi < 0) };
}

/** "0.412 ± 0.031" (or "0.412 (1 seed, no interval)"), with `digits` decimals. */
export function formatInterval(i: Interval, digits = 3, scale = 1): string {
  const m = (i.mean * scale).toFixed(digits);
  return Number.isNaN(i.half) ? `${m} (1 seed, no interval)` : `${m} ± ${(i.half * scale).toFixed(digits)}`;
}
