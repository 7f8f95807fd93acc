/**
 * The views of one example (docs/models.md "Views"), computed on
 * request outside the training step (noGrad, tower 1, no dropout). Per layer and head: K1, K2,
 * Z, K3 (Nyström variants) or the exact attention (softmax); the landmark/proxy vectors Q̃, K̃,
 * the m×m cosine similarity among each set and its mean off-diagonal value; the pseudo-inverse
 * residual ‖I − A·Z_k‖_F for k = 0 … pinvIterations (A the matrix inverted); and for n ≤ 1024
 * the exact softmax matrix softmax(s·QKᵀ + keymask), the approximation K1·Z·K3 (without the conv
 * skip) and its error. Plain typed arrays with shapes, for the UI.
 */
import { intTensor, matmul, noGrad, scope, tensor, type Tensor } from '../engine';
import { toBatch } from './attention/nystromKernels';
import { towerMask } from './attention/masking';
import { exactAttention } from './attention/softmax';
import type { Model } from './model';

/** A row-major matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export interface HeadViews {
  /** Softmax attention, n ≤ 1024: the exact n×n matrix (also `exact`). */
  attention?: Matrix;
  K1?: Matrix;
  K2?: Matrix;
  /** Z ≈ K2⁺ after pinvIterations steps (views run without dropout, so K2 is the matrix inverted). */
  Z?: Matrix;
  K3?: Matrix;
  qLandmarks?: Matrix;
  kLandmarks?: Matrix;
  qCosine?: Matrix;
  kCosine?: Matrix;
  qMeanOffDiagonal?: number;
  kMeanOffDiagonal?: number;
  /** ‖I − A·Z_k‖_F for k = 0 (the initialisation) … pinvIterations. */
  pinvResiduals?: Float32Array;
  /** n ≤ 1024: softmax(s·QKᵀ + keymask) of the layer's Q, K. */
  exact?: Matrix;
  /** n ≤ 1024, Nyström variants: K1·Z·K3. */
  approximation?: Matrix;
  /** n ≤ 1024, Nyström variants: ‖K1·Z·K3 − exact‖_F / ‖exact‖_F and max |K1·Z·K3 − exact|. */
  error?: { relativeFrobenius: number; maxAbs: number };
}

export interface ModelViews {
  n: number;
  layers: { heads: HeadViews[] }[];
}

/** The largest n for which the exact n×n matrices are computed. */
export const EXACT_VIEW_MAX_N = 1024;

/** Head h of a [1, H, r, c] array as a matrix. */
function headMatrix(data: Float32Array, shape: readonly number[], h: number): Matrix {
  const [rows, cols] = shape.slice(-2);
  return { rows, cols, data: data.slice(h * rows * cols, (h + 1) * rows * cols) };
}

/** Cosine similarity among the rows of x [m, c], and its mean off the diagonal. */
export function cosineSimilarity(x: Matrix): { cosine: Matrix; meanOffDiagonal: number } {
  const { rows: m, cols: c } = x;
  const norms = Array.from({ length: m }, (_, i) => Math.max(Math.hypot(...x.data.subarray(i * c, (i + 1) * c)), 1e-12));
  const out = new Float32Array(m * m);
  let off = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      let dot = 0;
      for (let t = 0; t < c; t++) dot += x.data[i * c + t] * x.data[j * c + t];
      out[i * m + j] = dot / (norms[i] * norms[j]);
      if (i !== j) off += out[i * m + j];
    }
  return { cosine: { rows: m, cols: m, data: out }, meanOffDiagonal: m > 1 ? off / (m * (m - 1)) : 0 };
}

/** Relative Frobenius error and max abs difference of an approximation against the exact matrix. */
export function approximationError(approx: Float32Array, exact: Float32Array): { relativeFrobenius: number; maxAbs: number } {
  let diff = 0, norm = 0, maxAbs = 0;
  for (let i = 0; i < exact.length; i++) {
    const d = approx[i] - exact[i];
    diff += d * d;
    norm += exact[i] * exact[i];
    maxAbs = Math.max(maxAbs, Math.abs(d));
  }
  return { relativeFrobenius: Math.sqrt(diff / norm), maxAbs };
}

/** The views of one example: `tokens` (length n ≤ seqLen), `mask` (default: token ≠ 0). */
export async function computeViews(model: Model, example: { tokens: ArrayLike<number>; mask?: ArrayLike<number> }): Promise<ModelViews> {
  const be = model.params.backend;
  const n = example.tokens.length;
  const maskValues = example.mask ?? Array.from(example.tokens, (t) => (t !== 0 ? 1 : 0));
  if (maskValues.length !== n) throw new Error(`views: mask has ${maskValues.length} values for ${n} tokens`);
  const exactWanted = n <= EXACT_VIEW_MAX_N;
  const layers = noGrad(() =>
    scope(() => {
      const tokens = intTensor(be, example.tokens, [1, n]);
      const mask = tensor(be, maskValues, [1, n]);
      const keyBias = towerMask(mask).keyBias;
      return model.encodeForViews(tokens, mask).map((v) => {
        const out: Record<string, Tensor> = {};
        // The n×n softmax attention only for n ≤ EXACT_VIEW_MAX_N (its read-back grows as n²).
        for (const [k, t] of Object.entries(v)) if (t && k !== 'q' && k !== 'k' && k !== 'K2_dropped' && (k !== 'attention' || exactWanted)) out[k] = t;
        if (exactWanted && v.q && v.k && !v.attention) out.exact = exactAttention(v.q, v.k, keyBias);
        if (exactWanted && v.K1 && v.Z && v.K3) out.approximation = matmul(matmul(v.K1, toBatch(v.Z, v.K1)), v.K3);
        return out;
      });
    }),
  );
  const result: ModelViews = { n, layers: [] };
  for (const tensors of layers) {
    const read = new Map<string, { shape: readonly number[]; data: Float32Array }>();
    for (const [k, t] of Object.entries(tensors)) {
      read.set(k, { shape: t.shape, data: Float32Array.from(await t.read()) });
      t.dispose();
    }
    const heads: HeadViews[] = [];
    for (let h = 0; h < model.config.heads; h++) {
      const m = (k: string) => (read.has(k) ? headMatrix(read.get(k)!.data, read.get(k)!.shape, h) : undefined);
      const view: HeadViews = { attention: m('attention'), K1: m('K1'), K2: m('K2'), Z: m('Z'), K3: m('K3'), qLandmarks: m('Q_landmarks'), kLandmarks: m('K_landmarks'), exact: m('exact') ?? m('attention'), approximation: m('approximation') };
      const residuals = read.get('pinv_residuals');
      if (residuals) {
        const count = residuals.shape[residuals.shape.length - 1];
        view.pinvResiduals = residuals.data.slice(h * count, (h + 1) * count);
      }
      if (view.qLandmarks && view.kLandmarks) {
        const q = cosineSimilarity(view.qLandmarks);
        const k = cosineSimilarity(view.kLandmarks);
        Object.assign(view, { qCosine: q.cosine, qMeanOffDiagonal: q.meanOffDiagonal, kCosine: k.cosine, kMeanOffDiagonal: k.meanOffDiagonal });
      }
      if (view.approximation && view.exact) view.error = approximationError(view.approximation.data, view.exact.data);
      heads.push(Object.fromEntries(Object.entries(view).filter(([, x]) => x !== undefined)) as HeadViews);
    }
    result.layers.push({ heads });
  }
  return result;
}
