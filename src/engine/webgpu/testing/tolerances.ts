/**
 * How closely each WebGPU kernel must match the CPU reference (float32 CPU backend), as
 * |webgpu − cpu| ≤ abs + rel·|cpu| per element. Why each is what it is:
 */
import type { Tolerance } from './twin';

export const TOLERANCES = {
  /** Pure data movement and selects: bit-exact. */
  exact: { abs: 0, rel: 0 },
  /** One f32 operation per element (add, mul, affine, relu, abs, square): at most 1 ulp apart. */
  elementwise: { abs: 1e-7, rel: 2e-7 },
  /** exp/log/sqrt/rsqrt/recip/div: WGSL allows a few ulp for transcendental built-ins. */
  transcendental: { abs: 1e-6, rel: 4e-6 },
  /** GELU and its gradient: the NR erfc fit (≤ 1.2e-7 relative) against a float64 erf. */
  gelu: { abs: 3e-7, rel: 2e-6 },
  /** Sums of up to a few thousand terms in a different order (tree vs sequential). */
  reduction: { abs: 2e-6, rel: 2e-5 },
  /** Matrix products with k ≤ ~300 of values in [−1, 1]: order of the k-sum differs; fma. */
  matmul: { abs: 1e-5, rel: 1e-5 },
  /** Softmax, cross-entropy, LayerNorm (a row reduction, then exp/rsqrt). */
  rowNorm: { abs: 2e-6, rel: 2e-5 },
  /** AdamW: one step of ~10 f32 operations including sqrt and a division by (√v + eps). */
  adamw: { abs: 2e-7, rel: 1e-5 },
} as const satisfies Record<string, Tolerance>;

/**
 * A sum of `n` f32 terms of magnitude up to `maxAbs`, taken in a different order on each side:
 * rounding grows with Σ|term| (≈ one f32 epsilon of it at worst in practice), so a long sum that
 * cancels to near zero cannot meet a fixed absolute tolerance.
 */
export function sumTolerance(n: number, maxAbs: number): Tolerance {
  return { abs: 2e-6 + 6e-8 * n * maxAbs, rel: 2e-5 };
}
