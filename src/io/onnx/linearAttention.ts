/**
 * Linear attention (Katharopoulos et al. 2020) exactly as the LRA code runs it
 * (docs/model-contract.md), per head: φ(x) = elu(x) + 1,
 *   q = φ(Q) / n^¼,  k = φ(K)⊙mask / n^¼,  v = V⊙mask,  out = q (kᵀ v),
 * with n the input length (the graph's fixed seqLen) and no normalisation by φ(Q)(φ(K)ᵀ1).
 */
import type { AttentionInput } from './attentionInput.ts';
import { featureProduct, impliedAttention } from './kernelAttention.ts';
import { add, linear, mergeHeads, mul, scale, splitHeads } from './ops.ts';

/** [B, n, d] → [B, n, d]; records the implied (row-normalised) n×n attention as the view `attention`. */
export function linearAttention(a: AttentionInput): string {
  const { ctx, cfg, prefix } = a;
  const g = ctx.g;
  const n = cfg.seqLen,
    heads = cfg.heads,
    dh = cfg.dModel / cfg.heads;
  const [q, k, v] = ['q', 'k', 'v'].map((p) => splitHeads(g, linear(ctx, a.x, `${prefix}.${p}`), n, heads, dh));
  const s = n ** -0.25;
  const features = (x: string) => scale(g, add(g, g.node('Elu', [x]), g.constFloat([1], [])), s);
  const phiQ = features(q);
  const phiK = mul(g, features(k), a.keep);
  const out = featureProduct(g, phiQ, phiK, mul(g, v, a.keep));
  if (a.wantsImplied) a.view('attention', impliedAttention(g, phiQ, phiK), ['batch', heads, n, n]); // n×n: only for the view
  return linear(ctx, mergeHeads(g, out, n, cfg.dModel), `${prefix}.out`);
}
