/**
 * The Nyström product shared by Nyströmformer and Proxyformer (docs/models.md "The three kernels"):
 *   out = (K1 · Z) · (K3 · V) + DConv(V·mask),   Z ≈ K2⁺,
 * always multiplied in that order, so no n×n matrix is ever formed (linear in n).
 * Decomposed dropout (Proxyformer; our reading of "drops columns of K2"): a 0/1 keep mask r
 * [B, H, m] multiplies the columns of K2 before the pseudo-inverse ('k2-columns', Z0 is computed
 * from K2') or of Z after it ('z-columns'); no rescale.
 */
import { depthwiseConv, matmul, mul, noGrad, reshape, type Tensor } from '../../engine';
import { fusedNystromProduct, type SoftmaxImpl } from './fused';
import { kernel1, kernel3, toBatch, type PinvInit } from './nystromKernels';
import { allDropped, iterativePinv, stackLast } from './pinv';
import type { TowerMask } from '../types';

export type ColumnPlacement = 'k2-columns' | 'z-columns' | 'off';

export interface PinvSettings {
  iterations: number;
  init: PinvInit;
}

/** r [B, H, m] as [B, H, 1, m]: multiplies the columns of an [B|1, H, m, m] matrix. */
function asColumns(columns: Tensor): Tensor {
  const [b, h, m] = columns.shape;
  return reshape(columns, [b, h, 1, m]);
}

/**
 * A (the matrix actually inverted: K2, or K2' under 'k2-columns' with a mask), Z ≈ A⁺ and, when
 * asked, the residuals ‖I − A·Z_k‖_F [.., H, iterations + 1]. Z is not yet column-masked for 'z-columns'.
 */
export function invertKernel2(
  k2: Tensor,
  columns: Tensor | null,
  placement: ColumnPlacement,
  pinv: PinvSettings,
  wantResiduals: boolean,
): { a: Tensor; z: Tensor; residuals: Tensor | null } {
  const dropK2 = columns !== null && placement === 'k2-columns';
  const a = dropK2 ? mul(k2, asColumns(columns)) : k2;
  const dropped = dropK2 ? allDropped(columns, pinv.init) : null;
  const { z, residuals } = iterativePinv(a, pinv.iterations, pinv.init, dropped, wantResiduals);
  return { a, z, residuals: residuals ? stackLast(residuals) : null };
}

/** Z' = Z·diag(r) under 'z-columns' with a mask, else Z. */
export function dropZColumns(z: Tensor, columns: Tensor | null, placement: ColumnPlacement): Tensor {
  return columns !== null && placement === 'z-columns' ? mul(z, asColumns(columns)) : z;
}

/** DConv(V·mask): V [B, H, n, d_h] with padded rows zeroed, through the depthwise kernel [H, k]. */
export function convSkip(v: Tensor, m: TowerMask, weight: Tensor): Tensor {
  return depthwiseConv(mul(v, m.rows), weight);
}

/**
 * (K1·Z)·(K3·V) for heads q, k, v [B, H, n, d_h], landmarks [B|1, H, m, d_h] and Z [B|1, H, m, m].
 * Returns the product and the two outer kernels (for the views). With `impl` 'fused' the
 * product runs as fused attention ops (fused.ts) and the kernels, only when `wantKernels`,
 * are computed apart without a gradient.
 */
export function nystromProduct(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  qLandmarks: Tensor,
  kLandmarks: Tensor,
  z: Tensor,
  m: TowerMask,
  impl: SoftmaxImpl = 'materialized',
  wantKernels = true,
): { out: Tensor; k1: Tensor | undefined; k3: Tensor | undefined } {
  if (impl === 'fused') {
    const out = fusedNystromProduct(q, k, v, qLandmarks, kLandmarks, z, m);
    if (!wantKernels) return { out, k1: undefined, k3: undefined };
    return { out, ...noGrad(() => ({ k1: kernel1(q, kLandmarks), k3: kernel3(qLandmarks, k, m.keyBias) })) };
  }
  const k1 = kernel1(q, kLandmarks);
  const k3 = kernel3(qLandmarks, k, m.keyBias);
  const out = matmul(matmul(k1, toBatch(z, k1)), matmul(k3, v));
  return { out, k1, k3 };
}
