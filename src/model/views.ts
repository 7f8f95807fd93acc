/**
 * The views of one example (docs/models.md "Views"), computed on
 * request outside the training step (noGrad, tower 1, no dropout). Per layer and head: K1, K2,
 * Z, K3 (Nyström variants) or the exact attention (softmax); the landmark/proxy vectors Q̃, K̃,
 * the m×m cosine similarity among each set and its mean off-diagonal value; the pseudo-inverse
 * residual ‖I − A·Z_k‖_F for k = 0 … pinvIterations (A the matrix inverted); and for n ≤ 1024
 * the exact softmax matrix softmax(s·QKᵀ + keymask), the approximation K1·Z·K3 (without the conv
 * skip) and its error. Linformer: E per head [k, n], the n×k attention over the projected keys
 * K' = E·(K⊙mask) and the k×k cosine similarity of K' (in the kLandmarks slots). Performer and
 * linear attention: for n ≤ 1024 the implied n×n attention (rows of φ(q)φ(k)ᵀ divided by their
 * sum, with φ(k) exactly as the layer uses it) as `approximation`, beside the exact softmax of the
 * same Q, K and the error. BigBird: the block pattern, and for n ≤ 1024 the implied n×n attention
 * (the rows it computed, put back in place; src/model/bigbirdViews.ts) beside the exact softmax.
 * Reformer: each token's bucket per round, the chunked attention in sorted order, and for
 * n ≤ 1024 the implied n×n attention (src/model/reformerViews.ts) beside the exact softmax of the
 * same shared query-key with the same self-mask.
 * Plain typed arrays with shapes, for the UI.
 */
import { add, div, eye, intTensor, matmul, noGrad, scope, sum, tensor, type Tensor } from '../engine';
import { toBatch } from './attention/nystromKernels';
import { towerMask } from './attention/masking';
import { exactAttention } from './attention/softmax';
import { SELF_SCORE } from './attention/reformer';
import { blockPattern, impliedAttention } from './bigbirdViews';
import { lshBucketStrip, lshChunkAttention, lshImpliedAttention } from './reformerViews';
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
  /** Linformer: E of this head [k, n]. */
  E?: Matrix;
  /** Linformer: softmax(s·Q K'ᵀ) [n, k] over the projected keys. */
  projectedAttention?: Matrix;
  /** Landmarks / proxies Q̃, K̃; for Linformer kLandmarks holds the projected keys K' [k, d_h]. */
  qLandmarks?: Matrix;
  kLandmarks?: Matrix;
  qCosine?: Matrix;
  kCosine?: Matrix;
  qMeanOffDiagonal?: number;
  kMeanOffDiagonal?: number;
  /** ‖I − A·Z_k‖_F for k = 0 (the initialisation) … pinvIterations. */
  pinvResiduals?: Float32Array;
  /** Reformer: each token's bucket per round [rounds × n]; the chunked attention in sorted order [rounds·n × keys per chunk]. */
  lshBuckets?: Matrix;
  lshChunks?: Matrix;
  /** BigBird: which key blocks each query block attends to (nb × nb: 1 window or global, 2 random, 0 none). */
  blockPattern?: Matrix;
  /** n ≤ 1024: softmax(s·QKᵀ + keymask) of the layer's Q, K. */
  exact?: Matrix;
  /** n ≤ 1024, Nyström variants: K1·Z·K3; Performer and linear: φ(q)φ(k)ᵀ with rows divided by their sums. */
  approximation?: Matrix;
  /** n ≤ 1024, Nyström and kernel variants: ‖approximation − exact‖_F / ‖exact‖_F and max |approximation − exact|. */
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
  let diff = 0,
    norm = 0,
    maxAbs = 0;
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
        const skip = ['q', 'k', 'K2_dropped', 'Q_features', 'K_features'];
        // BigBird's rows grow as n·(slots·b): read only where the n×n views are drawn.
        if (!exactWanted) skip.push('attention_global', 'attention_blocks', 'block_positions');
        // Reformer's chunked rows grow as rounds·n·2c, its implied matrix as n²: the same limit.
        if (!exactWanted) skip.push('lsh_probs', 'lsh_tokens', 'lsh_lse');
        // Reformer's exact counterpart keeps its self-mask: a token's own score −1e5.
        if (exactWanted && v.lsh_buckets && v.q && v.k) out.exact = exactAttention(v.q, v.k, add(keyBias, eye(be, n, [], SELF_SCORE)));
        for (const [k, t] of Object.entries(v)) if (t && !skip.includes(k) && (k !== 'attention' || exactWanted)) out[k] = t;
        if (exactWanted && v.q && v.k && !v.attention && !v.lsh_buckets) out.exact = exactAttention(v.q, v.k, keyBias);
        if (exactWanted && v.K1 && v.Z && v.K3) out.approximation = matmul(matmul(v.K1, toBatch(v.Z, v.K1)), v.K3);
        if (exactWanted && v.Q_features && v.K_features) {
          const scores = matmul(v.Q_features, v.K_features, { transB: true });
          out.approximation = div(scores, sum(scores, -1, { keepDim: true }));
        }
        return out;
      });
    }),
  );
  const result: ModelViews = { n, layers: [] };
  // Every read-back at once: one wait for the device instead of one per matrix.
  const values = await Promise.all(layers.map((tensors) => Promise.all(Object.values(tensors).map((t) => t.read()))));
  for (const [l, tensors] of layers.entries()) {
    const read = new Map<string, { shape: readonly number[]; data: Float32Array }>();
    for (const [i, [k, t]] of Object.entries(tensors).entries()) {
      read.set(k, { shape: t.shape, data: Float32Array.from(values[l][i]) });
      t.dispose();
    }
    const heads: HeadViews[] = [];
    for (let h = 0; h < model.config.heads; h++) {
      const m = (k: string) => (read.has(k) ? headMatrix(read.get(k)!.data, read.get(k)!.shape, h) : undefined);
      const view: HeadViews = {
        attention: m('attention'),
        K1: m('K1'),
        K2: m('K2'),
        Z: m('Z'),
        K3: m('K3'),
        E: m('E'),
        projectedAttention: m('attention_projected'),
        qLandmarks: m('Q_landmarks'),
        kLandmarks: m('K_landmarks'),
        exact: m('exact') ?? m('attention'),
        approximation: m('approximation'),
      };
      const global = read.get('attention_global');
      if (global) view.approximation = impliedAttention(global, read.get('attention_blocks'), read.get('block_positions'), h);
      const probs = read.get('lsh_probs');
      const lsh = { n, rounds: model.config.reformerHashes, chunk: model.config.reformerChunk };
      if (read.has('lsh_buckets')) view.lshBuckets = lshBucketStrip(read.get('lsh_buckets')!, h, lsh);
      if (probs) {
        view.lshChunks = lshChunkAttention(probs, h);
        view.approximation = lshImpliedAttention(probs, read.get('lsh_tokens')!, read.get('lsh_lse')!, h, lsh);
      }
      const pattern = read.get('block_pattern');
      if (pattern) view.blockPattern = blockPattern(pattern);
      const residuals = read.get('pinv_residuals');
      if (residuals) {
        const count = residuals.shape[residuals.shape.length - 1];
        view.pinvResiduals = residuals.data.slice(h * count, (h + 1) * count);
      }
      if (view.qLandmarks) {
        const q = cosineSimilarity(view.qLandmarks);
        Object.assign(view, { qCosine: q.cosine, qMeanOffDiagonal: q.meanOffDiagonal });
      }
      if (view.kLandmarks) {
        const k = cosineSimilarity(view.kLandmarks);
        Object.assign(view, { kCosine: k.cosine, kMeanOffDiagonal: k.meanOffDiagonal });
      }
      if (view.approximation && view.exact) view.error = approximationError(view.approximation.data, view.exact.data);
      heads.push(Object.fromEntries(Object.entries(view).filter(([, x]) => x !== undefined)) as HeadViews);
    }
    result.layers.push({ heads });
  }
  return result;
}
