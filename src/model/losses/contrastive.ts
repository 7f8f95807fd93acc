/**
 * Proxyformer's contrastive losses. The paper states only that a contrastive loss with
 * temperature τ = 0.07 keeps the proxies from being redundant; the two formulas are OUR
 * RECONSTRUCTION (docs/models.md "Contrastive loss"), with normalize(x) = x/‖x‖ over the last axis:
 *   qk-infonce: a_i = normalize(Q̃_i), b_i = normalize(K̃_i),
 *               L = −(1/m) Σ_i log( exp(a_i·b_i/τ) / Σ_j exp(a_i·b_j/τ) )
 *   uniformity: z_i = normalize(K̃_i),  L = (1/m) Σ_i log Σ_{j≠i} exp(z_i·z_j/τ)
 */
import {
  add,
  crossEntropy,
  exp,
  eye,
  fusionEnabled,
  intTensor,
  keep,
  l2Normalize,
  log,
  matmul,
  max,
  mean,
  mul,
  noGrad,
  reshape,
  sub,
  sum,
  type Backend,
  type Tensor,
} from '../../engine';

export type ContrastiveKind = 'qk-infonce' | 'uniformity';

/** log Σ_j exp(x_j) over the last axis, shifted by the row maximum (a constant, so the gradient is softmax). */
export function logSumExp(x: Tensor): Tensor {
  const shift = noGrad(() => max(x, -1, { keepDim: true }));
  const lse = log(sum(exp(sub(x, shift)), -1));
  return add(lse, reshape(shift, lse.shape));
}

/** Labels 0 … m − 1 repeated for `rows / m` matrices (i32 [rows]), made once per backend and shape. */
const DIAGONAL_LABELS = new WeakMap<Backend, Map<string, Tensor>>();
function diagonalLabels(backend: Backend, rows: number, m: number): Tensor {
  let byShape = DIAGONAL_LABELS.get(backend);
  if (!byShape) {
    byShape = new Map();
    DIAGONAL_LABELS.set(backend, byShape);
  }
  const key = `${rows}:${m}`;
  let t = byShape.get(key);
  if (!t || t.disposed) {
    t = keep(
      intTensor(
        backend,
        Int32Array.from({ length: rows }, (_, r) => r % m),
        [rows],
      ),
    );
    byShape.set(key, t);
  }
  return t;
}

/**
 * InfoNCE between query-side and key-side proxies: [..., m, d_h] ×2 → [...]. The loss of row i
 * is the cross-entropy of its logits against label i, so the engine's fused cross-entropy
 * computes it (2 dispatches forward, 1 backward, instead of about 12 and 10); it then returns
 * the mean over the leading indices too (shape []), which is what every caller takes. Under
 * `withoutFusion`, the composed reference.
 */
function qkInfonce(qLandmarks: Tensor, kLandmarks: Tensor, temperature: number): Tensor {
  const m = qLandmarks.shape[qLandmarks.shape.length - 2];
  const logits = matmul(l2Normalize(qLandmarks), l2Normalize(kLandmarks), { transB: true, alpha: 1 / temperature });
  if (fusionEnabled()) {
    const rows = logits.size / m;
    return crossEntropy(reshape(logits, [rows, m]), diagonalLabels(logits.backend, rows, m));
  }
  const positives = sum(mul(logits, eye(logits.backend, m)), -1);
  return mean(sub(logSumExp(logits), positives), -1);
}

/** Log-sum-exp of each proxy's similarity to the other proxies: [..., m, d_h] → [...]. */
export function uniformity(kLandmarks: Tensor, temperature: number): Tensor {
  const m = kLandmarks.shape[kLandmarks.shape.length - 2];
  const z = l2Normalize(kLandmarks);
  // −1e9 on the diagonal removes j = i from the sum (exp underflows to exactly 0, gradient 0).
  const logits = add(matmul(z, z, { transB: true, alpha: 1 / temperature }), eye(z.backend, m, [], -1e9));
  return mean(logSumExp(logits), -1);
}

/** The configured form per leading index ([B|1, H] for one layer's landmarks). */
export function contrastiveLoss(kind: ContrastiveKind, qLandmarks: Tensor, kLandmarks: Tensor, temperature: number): Tensor {
  if (kind === 'qk-infonce') return qkInfonce(qLandmarks, kLandmarks, temperature);
  if (kind === 'uniformity') return uniformity(kLandmarks, temperature);
  throw new Error(`contrastive must be 'qk-infonce' or 'uniformity'; got ${String(kind)}`);
}
