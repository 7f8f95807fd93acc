/**
 * Linformer (Wang et al. 2020) as the Nyströmformer authors' LRA code runs it
 * (docs/model-contract.md, "Projection and kernel baselines"): per head
 *   K' = E·(K⊙mask),  V' = E·(V⊙mask),  out = softmax(s·Q K'ᵀ) V',  s = 1/√d_h,
 * with a learned E ∈ R^{H×k×n}. Padding is removed by zeroing K and V before the projection,
 * so there is no additive key mask; Q is not masked; no attention dropout. E has one column per
 * position, which ties the model to its seqLen (the batch check refuses any other length).
 */
import { matmul, mul, noGrad, permute, reshape, scale, softmax, type ParameterScope, type Tensor } from '../../engine';
import { EMBED_INIT_STD, type Initialiser } from '../init';
import { Projections, type AttentionContext, type AttentionModule, type AttentionOutput } from './module';

/** The contract's name of E: `linformer_e` (shared, at the root) or `layers.i.attn.linformer_e`. */
export const LINFORMER_E = 'linformer_e';

/** E [heads, k, seqLen], N(0, 0.02) as the reference code's init. */
export function createProjection(scope: ParameterScope, heads: number, k: number, seqLen: number, init: Initialiser): Tensor {
  return scope.create(LINFORMER_E, [heads, k, seqLen], init.normal(heads * k * seqLen, EMBED_INIT_STD));
}

/**
 * E·X per head for X [B, H, n, d_h] and E [H, k, n] → [B, H, k, d_h], with the batch folded into
 * the columns ([H, n, B·d_h]) so that E is used in place: broadcasting E to [B, H, k, n] would
 * cost B·H·k·n floats per call, more than the activations for k > d_h.
 */
export function project(e: Tensor, x: Tensor): Tensor {
  const [b, h, n, dh] = x.shape;
  const k = e.shape[1];
  const folded = reshape(permute(x, [1, 2, 0, 3]), [h, n, b * dh]);
  return permute(reshape(matmul(e, folded), [h, k, b, dh]), [2, 0, 1, 3]);
}

export interface LinformerFaults {
  /** TEST-ONLY: project the unmasked K (padded keys leak into K'); the parity test must catch it. */
  forgetKeyMask?: boolean;
}

export class LinformerAttention implements AttentionModule {
  private readonly proj: Projections;

  /** `e` is this layer's E: its own (per-layer) or the model's shared one. */
  constructor(
    scope: ParameterScope,
    d: number,
    heads: number,
    private readonly e: Tensor,
    init: Initialiser,
    private readonly faults: LinformerFaults = {},
  ) {
    this.proj = new Projections(scope, d, heads, init);
  }

  forward(x: Tensor, ctx: AttentionContext): AttentionOutput {
    const { q, k, v } = this.proj.qkv(x);
    const [, , n, dh] = q.shape;
    const columns = this.e.shape[2];
    if (n !== columns)
      throw new Error(
        `Linformer: input length ${n} differs from E's ${columns} columns (seqLen): pad every input to exactly ${columns} tokens`,
      );
    const keys = project(this.e, this.faults.forgetKeyMask ? k : mul(k, ctx.mask.rows)); // [B, H, k, d_h]
    const values = project(this.e, mul(v, ctx.mask.rows));
    const probs = softmax(matmul(q, keys, { transB: true, alpha: 1 / Math.sqrt(dh) })); // [B, H, n, k]
    const out = this.proj.merge(matmul(probs, values));
    const views = ctx.wantViews ? noGrad(() => ({ E: scale(this.e, 1), attention_projected: probs, K_landmarks: keys, q, k })) : null;
    return { out, contrastive: null, views };
  }
}
