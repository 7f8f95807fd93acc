/**
 * Which matrix-product kernel runs, by a documented rule (all three versions stay; a faster one
 * never replaces the simple reference, it sits beside it):
 *
 * 1. `naive` when the output is thinner than a 4×4 block in either direction (m < 4 or n < 4):
 *    a blocked invocation would mostly compute clamped padding.
 * 2. On a software adapter (SwiftShader, lavapipe), `reg4`: register blocking wins there and
 *    workgroup-memory tiling loses (measured; docs/testing.md "What SwiftShader supports").
 * 3. On a real GPU, `tiled` once the output covers at least one 64×64 tile (m ≥ 64, n ≥ 64) and
 *    k ≥ 16 (one step of the k loop); otherwise `reg4`.
 */
import type { MatmulParams } from '../backend';

export type MatmulKernel = 'naive' | 'reg4' | 'tiled';
export const MATMUL_KERNELS: readonly MatmulKernel[] = ['naive', 'reg4', 'tiled'];

/** The kernel the backend uses for `p` on an adapter that is (or is not) a software fallback. */
export function chooseMatmulKernel(p: Pick<MatmulParams, 'm' | 'n' | 'k'>, isFallbackAdapter: boolean): MatmulKernel {
  if (p.m < 4 || p.n < 4) return 'naive';
  if (isFallbackAdapter) return 'reg4';
  if (p.m >= 64 && p.n >= 64 && p.k >= 16) return 'tiled';
  return 'reg4';
}
