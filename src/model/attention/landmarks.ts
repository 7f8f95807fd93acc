/**
 * Nyströmformer's landmarks (Xiong et al. 2021): the means of m contiguous segments of the rows
 * of Q and of K. As the reference code, Q and K rows are multiplied by the mask first, so
 * padding counts in each segment's length (docs/model-contract.md). n must be a multiple of m.
 */
import { mul, segmentMean, type Tensor } from '../../engine';
import type { TowerMask } from '../types';

/** Segment means of m segments: x [..., n, c] → [..., m, c]; names both numbers when n % m ≠ 0. */
export function segmentMeans(x: Tensor, m: number): Tensor {
  const n = x.shape[x.shape.length - 2];
  if (n % m !== 0) throw new Error(`segment means need the sequence length n a multiple of landmarks m: n ${n}, m ${m}`);
  return segmentMean(x, m);
}

/** The masked heads and their landmarks: Q·mask, K·mask [B, H, n, d_h] and Q̃, K̃ [B, H, m, d_h]. */
export function segmentLandmarks(
  q: Tensor,
  k: Tensor,
  mask: TowerMask,
  m: number,
): { q: Tensor; k: Tensor; qLandmarks: Tensor; kLandmarks: Tensor } {
  const qMasked = mul(q, mask.rows);
  const kMasked = mul(k, mask.rows);
  return { q: qMasked, k: kMasked, qLandmarks: segmentMeans(qMasked, m), kLandmarks: segmentMeans(kMasked, m) };
}
