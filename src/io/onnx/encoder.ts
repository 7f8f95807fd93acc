/**
 * The encoder of docs/models.md in eval mode (no dropout): token + position embeddings, pre-LN
 * blocks X = X + Attn(LN1(X)), X = X + W2·GELU(W1·LN2(X)), a final LayerNorm, then pooling:
 * the masked mean over valid tokens, or ('mean-all', the reference code) padded rows zeroed and
 * the sum divided by n.
 */
import { IMPLIED_VIEW_MAX_N, type AttentionInput } from './attentionInput.ts';
import { bigbirdAttention } from './bigbirdAttention.ts';
import type { ExportConfig } from './config.ts';
import type { Dim } from './graph.ts';
import { nystromAttention } from './nystromAttention.ts';
import { add, mul, gelu, keyMaskBias, layerNorm, linear, maskedMean, reshape, weight, type ExportContext } from './ops.ts';
import { int, ints } from './graph.ts';
import { linearAttention } from './linearAttention.ts';
import { linformerAttention } from './linformerAttention.ts';
import { performerAttention } from './performerAttention.ts';
import { proxyAttention } from './proxyAttention.ts';
import { reformerAttention } from './reformerAttention.ts';
import { softmaxAttention } from './softmaxAttention.ts';

/** Where a tower's attention factors go: `layers.{i}.{name}{suffix}` outputs, or nowhere. */
export type ViewSink = ((name: string, value: string, dims: Dim[]) => void) | null;

function attention(a: AttentionInput, layer: number): string {
  switch (a.cfg.attention) {
    case 'softmax':
      return softmaxAttention(a);
    case 'nystrom':
      return nystromAttention(a);
    case 'proxy':
      return proxyAttention(a, layer);
    case 'linformer':
      return linformerAttention(a);
    case 'performer':
      return performerAttention(a);
    case 'linear':
      return linearAttention(a);
    case 'bigbird':
      return bigbirdAttention(a);
    case 'reformer':
      return reformerAttention(a);
  }
}

/**
 * One tower: tokens [B, n] and mask [B, n] → the pooled representation [B, d]. A retrieval
 * model calls it twice with the same initializers; `suffix` ('' or '@2') keeps node names apart.
 */
export function encoderTower(ctx: ExportContext, cfg: ExportConfig, tokens: string, mask: string, suffix: string, views: ViewSink): string {
  const g = ctx.g;
  const n = cfg.seqLen;
  return g.scoped(`tower${suffix || '@1'}`, () => {
    const embedded = g.node('Gather', [weight(ctx, 'embed.tokens.weight'), tokens], { axis: int(0) });
    let x = add(g, embedded, weight(ctx, 'embed.positions.weight')); // [B, n, d] + [n, d]
    const keep = reshape(g, mask, [0, 1, n, 1]);
    const keyBias = keyMaskBias(g, mask, n);
    for (let i = 0; i < cfg.layers; i++) {
      const p = `layers.${i}`;
      x = g.scoped(p, () => {
        const view = (name: string, value: string, dims: Dim[]) => views?.(`${p}.${name}${suffix}`, value, dims);
        const a: AttentionInput = {
          ctx,
          cfg,
          prefix: `${p}.attn`,
          x: layerNorm(ctx, x, `${p}.norm1`),
          mask,
          keep,
          keyBias,
          wantsViews: views !== null,
          wantsImplied: views !== null && n <= IMPLIED_VIEW_MAX_N,
          view,
        };
        const attended = add(g, x, attention(a, i));
        const hidden = gelu(g, linear(ctx, layerNorm(ctx, attended, `${p}.norm2`), `${p}.ffn.fc1`));
        return add(g, attended, linear(ctx, hidden, `${p}.ffn.fc2`));
      });
    }
    const normed = layerNorm(ctx, x, 'norm');
    if (cfg.pooling === 'masked-mean') return maskedMean(g, normed, mask, n);
    // 'mean-all' as the reference code: padded rows zeroed, then the mean over all n positions.
    const zeroed = mul(g, normed, reshape(g, mask, [0, n, 1]));
    return g.node('ReduceMean', [zeroed], { axes: ints([1]), keepdims: int(0) });
  });
}
