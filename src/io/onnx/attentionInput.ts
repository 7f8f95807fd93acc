/** What every attention subgraph receives from its encoder block. */
import type { ExportConfig } from './config.ts';
import type { Dim } from './graph.ts';
import type { ExportContext } from './ops.ts';

export interface AttentionInput {
  ctx: ExportContext;
  cfg: ExportConfig;
  /** Parameter prefix of this layer's attention, e.g. `layers.0.attn`. */
  prefix: string;
  /** The block's normalised input LN1(X), [B, n, d]. */
  x: string;
  /** The 1/0 padding mask, [B, n]. */
  mask: string;
  /** The same mask shaped [B, 1, n, 1], to zero rows of per-head tensors. */
  keep: string;
  /** The additive key mask −1e9·(1 − mask), [B, 1, 1, n]. */
  keyBias: string;
  /** Whether `view` keeps what it gets: a factor built only for the view (an n×n matrix a linear-time attention never forms) is skipped otherwise. */
  wantsViews: boolean;
  /** Records an attention factor (K1, K2, Z, K3, the softmax or implied n×n matrix, Linformer's n×k attention) for the optional outputs. */
  view(name: string, value: string, dims: Dim[]): void;
  /**
   * Whether to build an implied n×n matrix (Performer, linear attention, BigBird's sparse rows,
   * Reformer) for the views: only while n ≤ IMPLIED_VIEW_MAX_N, as the engine's views
   * (EXACT_VIEW_MAX_N, src/model/views.ts). Past it the matrix costs more than the model: a text
   * Reformer at n 4096 took 1.7 GB and 23× the run time with it in onnxruntime-node.
   */
  wantsImplied: boolean;
}

/** The longest sequence whose implied n×n attention the exported views include (the engine's limit too). */
export const IMPLIED_VIEW_MAX_N = 1024;
