/**
 * Linformer attention (Wang et al. 2020) as the Nyströmformer authors' LRA code runs it
 * (docs/model-contract.md, "Projection and kernel baselines"), per head with E [H, k, n]:
 *   K' = E·(K⊙mask),  V' = E·(V⊙mask),  out = softmax(s·Q K'ᵀ) V',  s = 1/√d_h.
 * No additive key mask (padding is zeroed before the projection). E is the initializer
 * `linformer_e` (shared: one for every layer) or `layers.{i}.attn.linformer_e` (per layer); its
 * n columns fix the input length to seqLen, which the graph's inputs already are.
 */
import type { AttentionInput } from './attentionInput.ts';
import { linear, matmul, mergeHeads, mul, scale, softmax, splitHeads, transposeLast, weight } from './ops.ts';

/** [B, n, d] → [B, n, d]; records the n×k probabilities as the view `attention_projected`. */
export function linformerAttention(a: AttentionInput): string {
  const { ctx, cfg, prefix } = a;
  const g = ctx.g;
  const n = cfg.seqLen,
    heads = cfg.heads,
    dh = cfg.dModel / cfg.heads;
  const [q, k, v] = ['q', 'k', 'v'].map((p) => splitHeads(g, linear(ctx, a.x, `${prefix}.${p}`), n, heads, dh));
  const e = weight(ctx, cfg.linformerSharing === 'shared' ? 'linformer_e' : `${prefix}.linformer_e`); // [H, k, n]
  const keys = matmul(g, e, mul(g, k, a.keep)); // [H, k, n]·[B, H, n, d_h] → [B, H, k, d_h]
  const values = matmul(g, e, mul(g, v, a.keep));
  const probs = softmax(g, matmul(g, scale(g, q, 1 / Math.sqrt(dh)), transposeLast(g, keys)));
  a.view('attention_projected', probs, ['batch', heads, n, cfg.linformerK]);
  return linear(ctx, mergeHeads(g, matmul(g, probs, values), n, cfg.dModel), `${prefix}.out`);
}
