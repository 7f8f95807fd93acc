/** Shapes shared by the model files: the batch, forward options and results (docs/model-contract.md). */
import type { Tensor } from '../engine';

/**
 * A batch on the model's backend: `tokens` i32 [B, n], `mask` f32 [B, n] (1 valid, 0 padding),
 * `labels` i32 [B] (optional: without them there is no loss); two-tower adds `tokens2`, `mask2`.
 */
export interface ModelBatch {
  tokens: Tensor;
  mask: Tensor;
  labels?: Tensor;
  tokens2?: Tensor;
  mask2?: Tensor;
}

export interface ForwardOptions {
  /** Training mode: dropout is drawn (unless `masks` is given). */
  train: boolean;
  /**
   * Explicit dropout multipliers by contract name (`embed.dropout`, `layers.0.attn.columns`,
   * `…@2` for the second tower). When given (even empty) they alone decide every dropout, a
   * missing name meaning no dropout there, whatever `train` says (as the PyTorch reference).
   */
  masks?: ReadonlyMap<string, Tensor>;
  /** Seed of the counter-based generator for drawn dropout (train without masks); default 0. */
  dropoutSeed?: number;
  /**
   * This forward is micro-batch `part` (0-based) of `parts` equal slices of one batch: drawn
   * dropout takes exactly the masks the whole batch would give these examples (dropout.ts).
   */
  microBatch?: { part: number; parts: number };
}

export interface ForwardResult {
  /** [B, classes]. */
  logits: Tensor;
  /** Mean cross-entropy, shape []; null without labels. */
  taskLoss: Tensor | null;
  /** Unweighted contrastive loss (Proxyformer), shape []; a zero tensor for other attentions. */
  contrastiveLoss: Tensor;
  /** taskLoss + λ·contrastiveLoss, shape []; null without labels. */
  loss: Tensor | null;
}

/**
 * The model keys the config schema marks hot (applied from the next step, no rebuild), derived
 * from the schema's `apply: 'hot'`. The modules share one such object and read it at every
 * forward; `model.updateHot` changes it.
 */
export type { HotSettings } from '../config';

/** One tower's padding mask in the three layouts the attention reads. */
export interface TowerMask {
  /** f32 [B, n], 1 valid / 0 padding. */
  mask: Tensor;
  /** −1e9·(1 − mask) as [B, 1, 1, n]: added to the logits of keys. */
  keyBias: Tensor;
  /** mask as [B, 1, n, 1]: multiplies head tensors [B, H, n, d_h] row-wise. */
  rows: Tensor;
  /** mask as [B, n, 1]: multiplies model-space activations [B, n, d]. */
  column: Tensor;
}

/** Detached per-layer tensors for the views (recorded only when asked). */
export interface LayerViewTensors {
  attention?: Tensor;
  K1?: Tensor;
  K2?: Tensor;
  K2_dropped?: Tensor;
  Z?: Tensor;
  K3?: Tensor;
  Q_landmarks?: Tensor;
  K_landmarks?: Tensor;
  pinv_residuals?: Tensor;
  /** Linformer: E [H, k, n] (a copy) and softmax(s·Q K'ᵀ) [B, H, n, k]; K' = E·(K⊙mask) goes in K_landmarks. */
  E?: Tensor;
  attention_projected?: Tensor;
  /** Performer and linear attention: φ(q), φ(k) as the layer uses them [B, H, n, F]. */
  Q_features?: Tensor;
  K_features?: Tensor;
  /** BigBird: the global rows' attention [B, H, g, n], the sparse rows' [B, H, (nb − 2)·b, slots·b], the
   * position each key slot was gathered from (−1: masked) [1, 1, nb − 2, slots·b], the block pattern [1, 1, nb, nb]. */
  attention_global?: Tensor;
  attention_blocks?: Tensor;
  block_positions?: Tensor;
  block_pattern?: Tensor;
  /** Reformer: each token's bucket per round [B, H, rounds, n] (i32), the chunked probabilities in
   * sorted order [B, H, rounds·n, keys per chunk], the token of each sorted slot [B, H, rounds·n], and
   * each sorted query's log-sum-exp [B, H, rounds, n] (sorted order; the rounds' weights). */
  lsh_buckets?: Tensor;
  lsh_probs?: Tensor;
  lsh_tokens?: Tensor;
  lsh_lse?: Tensor;
  /** The layer's unmasked Q, K heads [B, H, n, d_h] for the exact softmax of the views. */
  q?: Tensor;
  k?: Tensor;
}
