/** What every attention variant receives and returns, and the projections they share. */
import { mergeHeads, type ParameterScope, type Tensor } from '../../engine';
import type { DropoutPlan } from '../dropout';
import type { Initialiser } from '../init';
import { Linear } from '../layers';
import type { LayerViewTensors, TowerMask } from '../types';

export interface AttentionContext {
  plan: DropoutPlan;
  /** Contract name prefix of this layer's attention, e.g. `layers.0.attn.`. */
  prefix: string;
  mask: TowerMask;
  /** Record the detached view tensors of this layer. */
  wantViews: boolean;
  /** Evaluation without a tape: input-independent parts may come from the cache. */
  cacheable: boolean;
  /** The model's weights version (the cache key). */
  weightsVersion: number;
}

export interface AttentionOutput {
  /** [B, n, d], after the `out` projection. */
  out: Tensor;
  /** Proxyformer's unweighted contrastive loss, mean over samples and heads (shape []); else null. */
  contrastive: Tensor | null;
  views: LayerViewTensors | null;
}

export interface AttentionModule {
  /** x is the block's normalised input LN1(X) [B, n, d]. */
  forward(x: Tensor, ctx: AttentionContext): AttentionOutput;
}

/** The layer's Linear projections q, k, v, out (with bias), and the head split (docs/models.md "Notation"). */
export class Projections {
  readonly q: Linear;
  readonly k: Linear;
  readonly v: Linear;
  readonly out: Linear;

  constructor(
    scope: ParameterScope,
    d: number,
    readonly heads: number,
    init: Initialiser,
  ) {
    this.q = new Linear(scope, 'q', d, d, init);
    this.k = new Linear(scope, 'k', d, d, init);
    this.v = new Linear(scope, 'v', d, d, init);
    this.out = new Linear(scope, 'out', d, d, init);
  }

  /** x [B, n, d] → Q, K, V heads [B, H, n, d_h] (head h takes columns h·d_h … (h+1)·d_h − 1). */
  qkv(x: Tensor): { q: Tensor; k: Tensor; v: Tensor } {
    return {
      q: this.q.applyHeads(x, this.heads),
      k: this.k.applyHeads(x, this.heads),
      v: this.v.applyHeads(x, this.heads),
    };
  }

  /** Heads [B, H, n, d_h] merged in order and passed through `out` → [B, n, d]. */
  merge(heads: Tensor): Tensor {
    return this.out.apply(mergeHeads(heads));
  }
}
