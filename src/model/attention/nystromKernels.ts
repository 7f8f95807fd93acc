/**
 * The three softmax kernels of the Nyström decomposition (Xiong et al. 2021; docs/models.md "The three kernels"), per head
 * with s = 1/√d_h and landmarks Q̃, K̃ [B|1, H, m, d_h]:
 *   K1 = softmax(s·Q K̃ᵀ)  [n×m],   K2 = softmax(s·Q̃ K̃ᵀ)  [m×m],   K3 = softmax(s·Q̃ Kᵀ + keymask)  [m×n].
 * Only K3 gets the additive key mask (the reference code's reading, docs/model-contract.md).
 */
import { add, broadcastTo, matmul, softmax, transpose, type Tensor } from '../../engine';

export type PinvInit = 'per-matrix' | 'global';

/** Landmarks shared by the batch ([1, H, m, d_h]) expanded to the batch of `like` ([B, H, …]). */
export function toBatch(landmarks: Tensor, like: Tensor): Tensor {
  if (landmarks.shape[0] === like.shape[0]) return landmarks;
  return broadcastTo(landmarks, [like.shape[0], ...landmarks.shape.slice(1)]);
}

/** K1 = softmax(s·Q K̃ᵀ): q [B, H, n, d_h] → [B, H, n, m]. */
export function kernel1(q: Tensor, kLandmarks: Tensor): Tensor {
  const s = 1 / Math.sqrt(q.shape[3]);
  return softmax(matmul(q, toBatch(kLandmarks, q), { transB: true, alpha: s }));
}

/**
 * K2 = softmax(s·Q̃ K̃ᵀ): [B|1, H, m, m]. `transposed` is a TEST-ONLY fault (K2ᵀ instead of K2)
 * that the parity tests use to show their comparison catches a wrong kernel.
 */
export function kernel2(qLandmarks: Tensor, kLandmarks: Tensor, transposed = false): Tensor {
  const s = 1 / Math.sqrt(qLandmarks.shape[3]);
  const k2 = softmax(matmul(qLandmarks, kLandmarks, { transB: true, alpha: s }));
  return transposed ? transpose(k2) : k2;
}

/** K3 = softmax(s·Q̃ Kᵀ + keymask): k [B, H, n, d_h], keyBias [B, 1, 1, n] → [B, H, m, n]. */
export function kernel3(qLandmarks: Tensor, k: Tensor, keyBias: Tensor): Tensor {
  const s = 1 / Math.sqrt(k.shape[3]);
  return softmax(add(matmul(toBatch(qLandmarks, k), k, { transB: true, alpha: s }), keyBias));
}
