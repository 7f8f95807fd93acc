/**
 * The attention-view data the UI draws, as plain arrays: `adapter.ts` checks a `views` message
 * of the worker (src/model/views.ts `ModelViews` plus the example) and converts it to this.
 * Matrices are row-major Float32Arrays with their shape next to them.
 */
import type { Attention, Task } from '../../model/config';

/** A rows × cols matrix, row-major. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** The factors of one head of one layer for one example. */
export interface HeadViews {
  /** Softmax attention (n ≤ 1024): the exact n × n matrix is the whole story. */
  softmax?: Matrix;
  /** Nyström factors: K1 [n×m] tokens → landmarks/proxies, K2 [m×m], Z ≈ K2⁺ [m×m], K3 [m×n] landmarks/proxies → tokens. */
  kernel1?: Matrix;
  kernel2?: Matrix;
  z?: Matrix;
  kernel3?: Matrix;
  /** Cosine similarity [m×m] among the query-side landmarks/proxies Q̃ and among the key side K̃, with their mean off-diagonal values. */
  queryCosine?: Matrix;
  keyCosine?: Matrix;
  queryMeanOffDiagonal?: number;
  keyMeanOffDiagonal?: number;
  /** Linformer: this head's E [k, n] (rows: projected keys, columns: positions) and softmax(s·Q(EK)ᵀ) [n, k]. */
  linformerE?: Matrix;
  projectedAttention?: Matrix;
  /** ‖I − K2·Z_k‖_F for k = 0 (the initial Z0) … pinvIterations. */
  pinvResidual?: number[];
  /**
   * For n ≤ 1024: the exact softmax attention of this head's Q, K and its approximation: K1·Z·K3
   * (Nyström variants, without the conv skip) or the kernel's implied φ(Q)φ(K)ᵀ with rows divided
   * by their sums (Performer, linear attention).
   */
  exact?: Matrix;
  approx?: Matrix;
  /** Error of the approximation: max |exact − approx| and relative Frobenius error. */
  approxError?: { maxAbs: number; relFrobenius: number };
}

/** Everything the attention panel shows for one request. */
export interface AttentionViews {
  step: number;
  task: Task;
  attention: Attention;
  /** Sequence length n and number of landmarks/proxies m (0 for variants without them). */
  seqLen: number;
  landmarks: number;
  /** The variant's size beyond n, as the panel names it: m, Linformer's k, Performer's features (null for softmax and linear attention). */
  budget: { name: string; value: number } | null;
  split: 'validation' | 'test';
  /** The example the views were computed on (unpadded token ids), its label and the model's prediction. */
  example: { index: number; tokens: Int32Array; label: number; prediction?: number };
  /** Side of the square input picture for image tasks (MNIST imageSize, Pathfinder 32). */
  imageSide?: number;
  /** layers × heads. */
  heads: HeadViews[][];
}
