/**
 * Softmax attention, the exact Transformer (docs/models.md "Softmax attention"): out = Drop(softmax(s·QKᵀ + keymask)) V
 * per head, s = 1/√d_h. Only keys are masked; the dropout site is `layers.i.attn.dropout`
 * [B, H, n, n] with rate `attentionDropout`. With softmaxImpl 'fused' the same product runs as
 * one FlashAttention-style op (docs/models.md "Fused attention"), which has no dropout site.
 */
import { add, fusedAttention, matmul, noGrad, softmax, type ParameterScope, type Tensor } from '../../engine';
import type { Initialiser } from '../init';
import type { SoftmaxImpl } from './fused';
import type { HotSettings } from '../types';
import { Projections, type AttentionContext, type AttentionModule, type AttentionOutput } from './module';

/** softmax(s·Q Kᵀ + keymask) for heads [B, H, n, d_h]: the exact attention matrix [B, H, n, n]. */
export function exactAttention(q: Tensor, k: Tensor, keyBias: Tensor): Tensor {
  const s = 1 / Math.sqrt(q.shape[3]);
  return softmax(add(matmul(q, k, { transB: true, alpha: s }), keyBias));
}

export class SoftmaxAttention implements AttentionModule {
  private readonly proj: Projections;

  constructor(
    scope: ParameterScope,
    d: number,
    heads: number,
    private readonly hot: HotSettings,
    init: Initialiser,
    private readonly impl: SoftmaxImpl = 'materialized',
  ) {
    this.proj = new Projections(scope, d, heads, init);
  }

  forward(x: Tensor, ctx: AttentionContext): AttentionOutput {
    const { q, k, v } = this.proj.qkv(x);
    if (this.impl === 'fused') return this.fused(q, k, v, ctx);
    const probs = exactAttention(q, k, ctx.mask.keyBias);
    const dropped = ctx.plan.elementwise(`${ctx.prefix}dropout`, probs, this.hot.attentionDropout);
    const out = this.proj.merge(matmul(dropped, v));
    return { out, contrastive: null, views: ctx.wantViews ? noGrad(() => ({ attention: probs, q, k })) : null };
  }

  private fused(q: Tensor, k: Tensor, v: Tensor, ctx: AttentionContext): AttentionOutput {
    // The config validator refuses this pair; a hot change that slipped past it must not drop silently.
    if (this.hot.attentionDropout > 0)
      throw new Error(
        `attentionDropout ${this.hot.attentionDropout} needs stored probabilities; softmaxImpl 'fused' has none (set it to 0)`,
      );
    const out = this.proj.merge(fusedAttention(q, k, v, ctx.mask.keyBias, { scale: 1 / Math.sqrt(q.shape[3]) }));
    // The views' map is computed apart, without a gradient (one example, outside the training step).
    const views = ctx.wantViews ? noGrad(() => ({ attention: exactAttention(q, k, ctx.mask.keyBias), q, k })) : null;
    return { out, contrastive: null, views };
  }
}
