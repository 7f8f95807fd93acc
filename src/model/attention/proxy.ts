/**
 * Proxyformer attention (Lee, Lee & Shin 2024; docs/models.md "Proxyformer"): the Nyström product with trainable,
 * input-injected proxies as landmarks (proxies.ts), decomposed dropout on the columns of K2 or Z
 * (product.ts), the conv skip, and the contrastive loss on each sample's Q̃, K̃ (losses/).
 * Unlike Nyströmformer, Q and K are not multiplied by the mask (no segment means of them are
 * taken; padded query rows never reach a valid output), and n need not be a multiple of m.
 *
 * With injection 'none', Q̃, K̃, K2 and Z do not depend on the input: they are computed once per
 * forward as [1, H, …] tensors shared by the batch, and in evaluation (no tape) cached until
 * the model's `weightsVersion` changes (see model.ts).
 */
import { add, keep, meanAll, noGrad, type ParameterScope, type Tensor } from '../../engine';
import type { Initialiser } from '../init';
import type { HotSettings } from '../types';
import { contrastiveLoss, type ContrastiveKind } from '../losses/contrastive';
import { createConvSkip } from './conv';
import type { SoftmaxImpl } from './fused';
import { kernel2, type PinvInit } from './nystromKernels';
import { Projections, type AttentionContext, type AttentionModule, type AttentionOutput } from './module';
import { convSkip, dropZColumns, invertKernel2, nystromProduct, type ColumnPlacement } from './product';
import { Proxies, type Injection, type ProxyInit, type ProxyParam } from './proxies';

export interface ProxySettings {
  landmarks: number;
  pinvIterations: number;
  pinvInit: PinvInit;
  proxyParam: ProxyParam;
  proxyInit: ProxyInit;
  injection: Injection;
  contrastive: ContrastiveKind;
  decomposedDropout: ColumnPlacement;
  /** How the read-out and K1·Z·K3·V are computed (fused.ts; the same maths). */
  softmaxImpl?: SoftmaxImpl;
  /** TEST-ONLY fault: use K2ᵀ (the parity tests show that this is caught). */
  transposeKernel2?: boolean;
}

/** The input-independent part under injection 'none'. */
interface Fixed {
  qLandmarks: Tensor;
  kLandmarks: Tensor;
  k2: Tensor;
  /** Z ≈ K2⁺ before any column mask. */
  z: Tensor;
  contrastive: Tensor;
}

export class ProxyAttention implements AttentionModule {
  private readonly proj: Projections;
  private readonly conv: Tensor | null;
  private readonly proxies: Proxies;
  private cache: { version: number; fixed: Fixed } | null = null;
  /** How many times the fixed part was computed (tests read it to see the cache work). */
  fixedComputations = 0;

  constructor(
    scope: ParameterScope,
    d: number,
    private readonly heads: number,
    convKernel: number,
    private readonly s: ProxySettings,
    private readonly hot: HotSettings,
    init: Initialiser,
  ) {
    this.proj = new Projections(scope, d, heads, init);
    this.conv = createConvSkip(scope, heads, convKernel, init);
    this.proxies = new Proxies(scope, d, heads, s.landmarks, s.proxyParam, s.injection, init, s.proxyInit);
  }

  private computeFixed(): Fixed {
    this.fixedComputations++;
    const { qLandmarks, kLandmarks } = this.proxies.landmarks(this.proj, null);
    const k2 = kernel2(qLandmarks, kLandmarks, this.s.transposeKernel2);
    const { z } = invertKernel2(k2, null, 'off', this.pinv(), false);
    const contrastive = meanAll(contrastiveLoss(this.s.contrastive, qLandmarks, kLandmarks, this.hot.contrastiveTemperature));
    return { qLandmarks, kLandmarks, k2, z, contrastive };
  }

  private pinv() {
    return { iterations: this.s.pinvIterations, init: this.s.pinvInit };
  }

  /** The fixed part, from the cache in evaluation when the weights have not changed. */
  private fixed(ctx: AttentionContext): Fixed {
    if (!ctx.cacheable) return this.computeFixed();
    if (this.cache && this.cache.version === ctx.weightsVersion) return this.cache.fixed;
    this.dropCache();
    const fixed = this.computeFixed();
    for (const t of Object.values(fixed)) keep(t);
    this.cache = { version: ctx.weightsVersion, fixed };
    return fixed;
  }

  /** Free the cached tensors (also called when the weights change). */
  dropCache(): void {
    if (this.cache) for (const t of Object.values(this.cache.fixed)) t.dispose();
    this.cache = null;
  }

  forward(x: Tensor, ctx: AttentionContext): AttentionOutput {
    const { q, k, v } = this.proj.qkv(x);
    const b = x.shape[0];
    const columns =
      this.s.decomposedDropout === 'off'
        ? null
        : ctx.plan.columns(`${ctx.prefix}columns`, [b, this.heads, this.s.landmarks], this.hot.decomposedDropoutRate, x);
    const wantResiduals = ctx.wantViews;
    let qLandmarks: Tensor, kLandmarks: Tensor, k2: Tensor, a: Tensor, z: Tensor, contrastive: Tensor;
    let residuals: Tensor | null = null;
    const fixed = this.s.injection === 'none' ? this.fixed(ctx) : null;
    if (fixed && !(columns && this.s.decomposedDropout === 'k2-columns') && !wantResiduals) {
      ({ qLandmarks, kLandmarks, k2, z, contrastive } = fixed);
      a = k2;
    } else {
      ({ qLandmarks, kLandmarks } =
        fixed ?? this.proxies.landmarks(this.proj, { x, q, k, v, mask: ctx.mask, fused: this.s.softmaxImpl === 'fused' }));
      k2 = fixed?.k2 ?? kernel2(qLandmarks, kLandmarks, this.s.transposeKernel2);
      ({ a, z, residuals } = invertKernel2(k2, columns, this.s.decomposedDropout, this.pinv(), wantResiduals));
      contrastive =
        fixed?.contrastive ?? meanAll(contrastiveLoss(this.s.contrastive, qLandmarks, kLandmarks, this.hot.contrastiveTemperature));
    }
    const zUsed = dropZColumns(z, columns, this.s.decomposedDropout);
    const product = nystromProduct(q, k, v, qLandmarks, kLandmarks, zUsed, ctx.mask, this.s.softmaxImpl, ctx.wantViews);
    const out = this.conv ? add(product.out, convSkip(v, ctx.mask, this.conv)) : product.out;
    const views = ctx.wantViews
      ? noGrad(() => ({
          K1: product.k1,
          K2: k2,
          K2_dropped: a,
          Z: zUsed,
          K3: product.k3,
          Q_landmarks: qLandmarks,
          K_landmarks: kLandmarks,
          pinv_residuals: residuals ?? undefined,
          q,
          k,
        }))
      : null;
    return { out: this.proj.merge(out), contrastive, views };
  }
}
