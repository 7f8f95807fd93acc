/**
 * Performer (Choromanski et al. 2021), non-causal FAVOR+ as the Nyströmformer authors' LRA code
 * runs it through performer_pytorch's FastAttention (docs/model-contract.md, "Projection and
 * kernel baselines"): per head, q = Q/d_h^¼, k = (K/d_h^¼)⊙mask, v = V⊙mask and
 *   out = φ(q)(φ(k)ᵀ v) / D,   D = φ(q)(φ(k)ᵀ 1),
 * with the layer's random features W [F, d_h] (state, not trained; shared by the heads).
 * Padded keys are zero vectors, not removed: φ(0) still adds to D, as in the reference.
 * relu kernel: φ(x) = relu(x Wᵀ) + 1e-3. softmax kernel: φ(x) = F^-½ (exp(x Wᵀ − ‖x‖²/2 − c) + 1e-4)
 * with c the per-row max for queries and the max over all keys of a sample and head for keys,
 * taken without gradient (performer_pytorch detaches it).
 */
import {
  addScalar,
  div,
  exp,
  matmul,
  max,
  mul,
  noGrad,
  relu,
  scale,
  square,
  sub,
  sum,
  type ParameterScope,
  type Tensor,
} from '../../engine';
import type { Initialiser } from '../init';
import { Projections, type AttentionContext, type AttentionModule, type AttentionOutput } from './module';
import { orthogonalGaussianFeatures } from './performerFeatures';

export type PerformerKernel = 'relu' | 'softmax';

/** The relu kernel's additive epsilon (performer_pytorch's kernel_epsilon). */
export const RELU_KERNEL_EPS = 1e-3;
/** The softmax kernel's additive epsilon (performer_pytorch's softmax_kernel eps). */
export const SOFTMAX_KERNEL_EPS = 1e-4;

export interface PerformerFaults {
  /** TEST-ONLY: leave padded keys unmasked before φ; the parity test must catch it. */
  forgetKeyMask?: boolean;
}

/** φ of x [B, H, n, d_h] with features w [F, d_h] → [B, H, n, F]. */
export function performerFeatureMap(x: Tensor, w: Tensor, kernel: PerformerKernel, isQuery: boolean): Tensor {
  const dash = matmul(x, w, { transB: true });
  if (kernel === 'relu') return addScalar(relu(dash), RELU_KERNEL_EPS);
  const diag = scale(sum(square(x), -1, { keepDim: true }), 0.5); // ‖x‖²/2 [B, H, n, 1]
  // The stabiliser cancels in D⁻¹(…) up to the eps; as performer_pytorch, no gradient through it.
  const c = noGrad(() => (isQuery ? max(dash, -1, { keepDim: true }) : max(max(dash, -1, { keepDim: true }), -2, { keepDim: true })));
  return scale(addScalar(exp(sub(sub(dash, diag), c)), SOFTMAX_KERNEL_EPS), 1 / Math.sqrt(w.shape[0]));
}

export class PerformerAttention implements AttentionModule {
  private readonly proj: Projections;
  /** W [F, d_h]: state (exported, imported), not a parameter. */
  readonly features: Tensor;

  constructor(
    scope: ParameterScope,
    d: number,
    heads: number,
    readonly featureCount: number,
    private readonly kernel: PerformerKernel,
    init: Initialiser,
    private readonly faults: PerformerFaults = {},
  ) {
    this.proj = new Projections(scope, d, heads, init);
    const dh = d / heads;
    this.features = scope.createState('features', [featureCount, dh], orthogonalGaussianFeatures(init, featureCount, dh));
  }

  /** Fresh random features (the trainer's redraw; never on the evaluation path). */
  redraw(init: Initialiser): void {
    const [f, dh] = this.features.shape;
    this.features.backend.write(this.features.buf, orthogonalGaussianFeatures(init, f, dh));
  }

  forward(x: Tensor, ctx: AttentionContext): AttentionOutput {
    const { q, k, v } = this.proj.qkv(x);
    const c = q.shape[3] ** -0.25;
    const keys = scale(k, c);
    const qf = performerFeatureMap(scale(q, c), this.features, this.kernel, true);
    const kf = performerFeatureMap(this.faults.forgetKeyMask ? keys : mul(keys, ctx.mask.rows), this.features, this.kernel, false);
    const context = matmul(kf, mul(v, ctx.mask.rows), { transA: true }); // φ(k)ᵀv [B, H, F, d_h]
    const normaliser = matmul(qf, sum(kf, -2, { keepDim: true }), { transB: true }); // D [B, H, n, 1]
    const out = this.proj.merge(div(matmul(qf, context), normaliser));
    return { out, contrastive: null, views: ctx.wantViews ? noGrad(() => ({ Q_features: qf, K_features: kf, q, k })) : null };
  }
}
