/**
 * Softmax attention, the exact Transformer (docs/models.md "Softmax attention"): out = Drop(softmax(s·QKᵀ + keymask)) V
 * per head, s = 1/√d_h. Only keys are masked; the dropout site is `layers.i.attn.dropout`
 * [B, H, n, n] with rate `attentionDropout`.
 */
import { add, matmul, noGrad, softmax, type ParameterScope, type Tensor } from '../../engine';
import type { Initialiser } from '../init';
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
  ) {
    this.proj = new Projections(scope, d, heads, init);
  }

  forward(x: Tensor, ctx: AttentionContext): AttentionOutput {
    const { q, k, v } = this.proj.qkv(x);
    const probs = exactAttention(q, k, ctx.mask.keyBias);
    const dropped = ctx.plan.elementwise(`${ctx.prefix}dropout`, probs, this.hot.attentionDropout);
    const out = this.proj.merge(matmul(dropped, v));
    return { out, contrastive: null, views: ctx.wantViews ? noGrad(() => ({ attention: probs, q, k })) : null };
  }
}
