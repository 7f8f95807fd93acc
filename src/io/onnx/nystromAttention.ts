/**
 * Nyströmformer attention (Xiong et al. 2021; docs/models.md "Nyströmformer"): landmarks are the
 * means of m contiguous segments of the rows of Q and K. Padding as the reference code
 * (docs/model-contract.md): Q and K rows are multiplied by the mask before the segment means
 * (so K1 reads the masked Q too), V is masked before the conv skip, K3 gets the key mask.
 */
import type { AttentionInput } from './attentionInput.ts';
import { nystromProduct } from './nystromProduct.ts';
import { linear, mergeHeads, mul, segmentMeans, splitHeads } from './ops.ts';

/** [B, n, d] → [B, n, d]. */
export function nystromAttention(a: AttentionInput): string {
  const { ctx, cfg, prefix } = a;
  const g = ctx.g;
  const n = cfg.seqLen,
    m = cfg.landmarks,
    heads = cfg.heads,
    dh = cfg.dModel / cfg.heads;
  const project = (p: string) => splitHeads(g, linear(ctx, a.x, `${prefix}.${p}`), n, heads, dh);
  const q = mul(g, project('q'), a.keep);
  const k = mul(g, project('k'), a.keep);
  const v = project('v');
  const qLandmarks = segmentMeans(g, q, [heads], n, m, dh);
  const kLandmarks = segmentMeans(g, k, [heads], n, m, dh);
  const out = nystromProduct(a, q, k, v, qLandmarks, kLandmarks);
  return linear(ctx, mergeHeads(g, out, n, cfg.dModel), `${prefix}.out`);
}
