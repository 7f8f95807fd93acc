/**
 * Nyströmformer attention (Xiong et al. 2021; docs/models.md "Nyströmformer"). Per head, with segment-mean landmarks
 * Q̃, K̃ of the masked Q and K (landmarks.ts):
 *   out = (K1 · Z) · (K3 · V) + DConv(V·mask),  Z ≈ K2⁺ (pinv.ts, `pinvIterations` steps).
 * As the reference code (docs/model-contract.md): the masked Q and K are used everywhere after
 * masking (K1 reads the masked Q, K3 the masked K plus the key mask), V is masked only for the
 * conv skip, no attention dropout on this path, and no fallback to exact softmax when m = n.
 */
import { add, noGrad, type ParameterScope, type Tensor } from '../../engine';
import type { Initialiser } from '../init';
import { createConvSkip } from './conv';
import type { SoftmaxImpl } from './fused';
import { kernel2, type PinvInit } from './nystromKernels';
import { segmentLandmarks } from './landmarks';
import { Projections, type AttentionContext, type AttentionModule, type AttentionOutput } from './module';
import { convSkip, invertKernel2, nystromProduct } from './product';

export interface NystromSettings {
  landmarks: number;
  pinvIterations: number;
  pinvInit: PinvInit;
  /** How K1·Z·K3·V is computed (the same maths; fused keeps no n×m probabilities). */
  softmaxImpl?: SoftmaxImpl;
  /** TEST-ONLY fault: use K2ᵀ (the parity tests show that this is caught). */
  transposeKernel2?: boolean;
}

export class NystromAttention implements AttentionModule {
  private readonly proj: Projections;
  private readonly conv: Tensor | null;

  constructor(
    scope: ParameterScope,
    d: number,
    heads: number,
    convKernel: number,
    private readonly s: NystromSettings,
    init: Initialiser,
  ) {
    this.proj = new Projections(scope, d, heads, init);
    this.conv = createConvSkip(scope, heads, convKernel, init);
  }

  forward(x: Tensor, ctx: AttentionContext): AttentionOutput {
    const heads = this.proj.qkv(x);
    const { q, k, qLandmarks, kLandmarks } = segmentLandmarks(heads.q, heads.k, ctx.mask, this.s.landmarks);
    const k2 = kernel2(qLandmarks, kLandmarks, this.s.transposeKernel2);
    const pinv = { iterations: this.s.pinvIterations, init: this.s.pinvInit };
    const { a, z, residuals } = invertKernel2(k2, null, 'off', pinv, ctx.wantViews);
    const product = nystromProduct(q, k, heads.v, qLandmarks, kLandmarks, z, ctx.mask, this.s.softmaxImpl, ctx.wantViews);
    const out = this.conv ? add(product.out, convSkip(heads.v, ctx.mask, this.conv)) : product.out;
    const views = ctx.wantViews
      ? noGrad(() => ({
          K1: product.k1,
          K2: k2,
          K2_dropped: a,
          Z: z,
          K3: product.k3,
          Q_landmarks: qLandmarks,
          K_landmarks: kLandmarks,
          pinv_residuals: residuals ?? undefined,
          q: heads.q,
          k: heads.k,
        }))
      : null;
    return { out: this.proj.merge(out), contrastive: null, views };
  }
}
