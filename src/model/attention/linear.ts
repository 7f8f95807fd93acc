/**
 * Linear attention (Katharopoulos et al. 2020) as the Nyströmformer authors' LRA code runs it
 * (docs/model-contract.md, "Projection and kernel baselines"): φ(x) = elu(x) + 1 and per head
 *   q = φ(Q)/n^¼,  k = φ(K)⊙mask/n^¼,  v = V⊙mask,  out = q (kᵀ v).
 * The reference divides by `Q.size(2)^¼`, the sequence length of a [B, H, n, d_h] tensor (not
 * d_h), and does not normalise by D = φ(Q)(φ(K)ᵀ1); we follow it on both points.
 */
import { add, exp, matmul, mul, neg, noGrad, relu, scale, type ParameterScope, type Tensor } from '../../engine';
import type { Initialiser } from '../init';
import { Projections, type AttentionContext, type AttentionModule, type AttentionOutput } from './module';

/** elu(x) + 1 = relu(x) + exp(−relu(−x)) (x for x > 0 plus 1, e^x below), from existing ops. */
export function eluPlusOne(x: Tensor): Tensor {
  return add(relu(x), exp(neg(relu(neg(x)))));
}

export interface LinearFaults {
  /** TEST-ONLY: scale by d_h^-¼ instead of the reference's n^-¼; the parity test must catch it. */
  scaleByHeadWidth?: boolean;
}

export class LinearAttention implements AttentionModule {
  private readonly proj: Projections;

  constructor(
    scope: ParameterScope,
    d: number,
    heads: number,
    init: Initialiser,
    private readonly faults: LinearFaults = {},
  ) {
    this.proj = new Projections(scope, d, heads, init);
  }

  forward(x: Tensor, ctx: AttentionContext): AttentionOutput {
    const { q, k, v } = this.proj.qkv(x);
    const c = (this.faults.scaleByHeadWidth ? q.shape[3] : q.shape[2]) ** -0.25;
    const qf = scale(eluPlusOne(q), c);
    const kf = mul(scale(eluPlusOne(k), c), ctx.mask.rows);
    const out = this.proj.merge(matmul(qf, matmul(kf, mul(v, ctx.mask.rows), { transA: true })));
    return { out, contrastive: null, views: ctx.wantViews ? noGrad(() => ({ Q_features: qf, K_features: kf, q, k })) : null };
  }
}
