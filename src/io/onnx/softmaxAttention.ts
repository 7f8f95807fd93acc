/** Softmax attention, the exact Transformer: out = softmax(s·QKᵀ + keymask) V per head (docs/models.md "Softmax attention"). */
import type { AttentionInput } from './attentionInput.ts';
import { add, linear, matmul, mergeHeads, scale, softmax, splitHeads, transposeLast } from './ops.ts';

/** [B, n, d] → [B, n, d]; records the n×n probabilities as the view `attention`. */
export function softmaxAttention(a: AttentionInput): string {
  const { ctx, cfg, prefix } = a;
  const g = ctx.g;
  const n = cfg.seqLen,
    heads = cfg.heads,
    dh = cfg.dModel / cfg.heads;
  const [q, k, v] = ['q', 'k', 'v'].map((p) => splitHeads(g, linear(ctx, a.x, `${prefix}.${p}`), n, heads, dh));
  const scores = matmul(g, scale(g, q, 1 / Math.sqrt(dh)), transposeLast(g, k));
  const probs = softmax(g, add(g, scores, a.keyBias));
  a.view('attention', probs, ['batch', heads, n, n]);
  return linear(ctx, mergeHeads(g, matmul(g, probs, v), n, cfg.dModel), `${prefix}.out`);
}
