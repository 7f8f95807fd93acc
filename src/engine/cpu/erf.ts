/**
 * The error function and the exact (erf) GELU used by PyTorch's default `nn.GELU()`.
 * The CPU reference is the truth the GPU kernels and the float64 gradient checks are measured
 * against, so erf is computed to double precision here rather than with a 1e-7 fit.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * erf(x) to about 1e-16 absolute error, from the all-positive series
 * erf(x) = 2/√π · e^{−x²} · Σ_n 2^n x^{2n+1} / (1·3·…·(2n+1)) (no cancellation, so no
 * precision loss); for |x| ≥ 6, erf(x) = ±1 to double precision (erfc(6) ≈ 2e-17).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = Math.abs(x);
  if (z >= 6) return Math.sign(x);
  const z2 = z * z;
  let term = z;
  let sum = z;
  for (let n = 1; n < 300; n++) {
    term *= (2 * z2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = TWO_OVER_SQRT_PI * Math.exp(-z2) * sum;
  return x < 0 ? -r : r;
}

/** GELU(x) = x · Φ(x) = 0.5 x (1 + erf(x/√2)). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * INV_SQRT_2));
}

/** d GELU / dx = Φ(x) + x · φ(x). */
export function geluGrad(x: number): number {
  return 0.5 * (1 + erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}
