/**
 * The softmax-weighted products of the Nyström variants as fused attention ops (softmaxImpl
 * 'fused', docs/models.md "Fused attention"): no n×m or m×n probabilities are stored; each op
 * keeps one log-sum-exp per query row and recomputes the rest in the backward.
 *   K3·V  = fusedAttention(Q̃, K, V, keymask)                     [m, d_h]
 *   out   = K1·(Z·(K3·V)) = fusedAttention(Q, K̃, Z·(K3·V))       [n, d_h]
 * The same maths as (K1·Z)·(K3·V) (product.ts), multiplied in the order that keeps every
 * intermediate at O(n·d_h + m²) instead of O(n·m).
 */
import { fusedAttention, matmul, type Tensor } from '../../engine';
import type { RunConfig } from '../../config';
import type { TowerMask } from '../types';
import { toBatch } from './nystromKernels';

export type SoftmaxImpl = RunConfig['softmaxImpl'];

/** softmax(s·queries Kᵀ + keymask) V, s = 1/√d_h: queries [B|1, H, r, d_h] → [B, H, r, d_h] (the 'attend' read-out, K3·V). */
export function fusedReadout(queries: Tensor, k: Tensor, v: Tensor, keyBias: Tensor): Tensor {
  return fusedAttention(toBatch(queries, k), k, v, keyBias, { scale: 1 / Math.sqrt(k.shape[3]) });
}

/** K1·(Z·(K3·V)) for heads q, k, v [B, H, n, d_h], landmarks [B|1, H, m, d_h] and Z [B|1, H, m, m]. */
export function fusedNystromProduct(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  qLandmarks: Tensor,
  kLandmarks: Tensor,
  z: Tensor,
  m: TowerMask,
): Tensor {
  const k3v = fusedReadout(qLandmarks, k, v, m.keyBias);
  const values = matmul(toBatch(z, k3v), k3v); // Z·(K3·V) [B, H, m, d_h]
  return fusedAttention(q, toBatch(kLandmarks, q), values, null, { scale: 1 / Math.sqrt(q.shape[3]) });
}
